from django.contrib import admin
from django.urls import include, path

from relais.api import errors as api_errors
from relais.api.urls import api

urlpatterns = [
    path("", include("relais.core.urls")),
    path("patrimoine/", include("relais.housing.urls")),
    path("attributions/", include("relais.allocation.urls")),
    path("api/v1/", api.urls),
    path("api/<path:rest>", api_errors.not_found),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
