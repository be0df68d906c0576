"""Routes of the allocation applications pages (included in the ``allocation`` namespace)."""

urlpatterns = []
