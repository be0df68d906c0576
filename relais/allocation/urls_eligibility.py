"""Routes of the allocation eligibility pages (included in the ``allocation`` namespace)."""

urlpatterns = []
