"""Routes of the allocation vacancies pages (included in the ``allocation`` namespace)."""

urlpatterns = []
