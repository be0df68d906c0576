"""Routes of the allocation letters pages (included in the ``allocation`` namespace)."""

urlpatterns = []
