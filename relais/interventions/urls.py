"""Staff pages under ``/interventions/``, the tenant's public pages under the organisation's
public address ``/o/<slug>/intervention/`` (like its agencies page)."""

from django.urls import include, path

from .categories import urls as categories
from .requests import urls as requests

app_name = "interventions"
urlpatterns = [
    path("interventions/", include(requests.urlpatterns)),
    path("interventions/", include(categories.urlpatterns)),
    path("o/<slug:slug>/intervention/", include(requests.public_urlpatterns)),
]
