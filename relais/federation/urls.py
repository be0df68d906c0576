"""Federation pages under ``/federation/``."""

from django.urls import include, path

app_name = "federation"
urlpatterns = [
    path("", include("relais.federation.library.urls")),
]
