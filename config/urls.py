from django.contrib import admin
from django.urls import include, path

from relais.api import errors as api_errors
from relais.api.urls import api

urlpatterns = [
    path("", include("relais.core.urls")),
    path("", include("relais.core.site.urls")),
    path("patrimoine/", include("relais.housing.urls")),
    path("attributions/", include("relais.allocation.urls")),
    path("", include("relais.interventions.urls")),
    path("", include("relais.worksites.urls")),
    path("continuite/", include("relais.continuity.urls")),
    path("fournitures/", include("relais.supplies.urls")),
    path("", include("relais.proximity.urls")),
    path("", include("relais.messaging.urls")),
    path("factures/", include("relais.payables.urls")),
    path("", include("relais.outreach.urls")),
    path("loyers/", include("relais.rent.urls")),
    path("federation/", include("relais.federation.urls")),
    path("api/v1/", api.urls),
    path("api/<path:rest>", api_errors.not_found),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# French, styled error pages with a way back (the CSRF one is settings.CSRF_FAILURE_VIEW).
handler400 = "relais.core.site.errors.bad_request"
handler403 = "relais.core.site.errors.permission_denied"
handler404 = "relais.core.site.errors.page_not_found"
handler500 = "relais.core.site.errors.server_error"
