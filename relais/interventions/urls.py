"""Staff pages under ``/interventions/``; the tenant's public pages under the organisation's
public address ``/o/<slug>/intervention/`` (like its agencies page); the contractor's and the
on-call person's pages are opened by a link (a token, no account)."""

from django.urls import include, path

from .categories import urls as categories
from .contractors import urls as contractors
from .dashboard import urls as dashboard
from .on_call import urls as on_call
from .requests import urls as requests
from .work_orders import urls as work_orders

app_name = "interventions"
urlpatterns = [
    path("interventions/", include(requests.urlpatterns)),
    path("interventions/", include(categories.urlpatterns)),
    path("interventions/", include(contractors.urlpatterns)),
    path("interventions/", include(work_orders.urlpatterns)),
    path("interventions/", include(on_call.urlpatterns)),
    path("interventions/", include(dashboard.urlpatterns)),
    path("o/<slug:slug>/intervention/", include(requests.public_urlpatterns)),
    path("prestataire/", include(work_orders.public_urlpatterns)),
    path("", include(on_call.public_urlpatterns)),
]
