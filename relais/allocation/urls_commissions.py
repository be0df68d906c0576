"""Routes of the allocation commissions pages (included in the ``allocation`` namespace)."""

urlpatterns = []
