"""The JSON API (/api/v1/): each domain's ``api.py`` routers, behind API-key authentication.

OpenAPI schema at /api/v1/openapi.json, interactive docs at /api/v1/docs.
"""

from ninja import NinjaAPI

from relais.allocation import api as allocation
from relais.federation import api as federation
from relais.housing import api as housing
from relais.interventions import api as interventions
from relais.rent import api as rent

from . import errors
from .auth import ApiKeyAuth

api = NinjaAPI(
    title="Relais API",
    version="1",
    description=(
        "Read-only access to an organisation's housing stock and households; intervention "
        "requests (read, create) and work orders (read); tenants' rent balances and ledgers "
        "(read); a federation's weekly indicators (read, federation analysts). "
        "Send a personal API key as `Authorization: Bearer <key>` "
        "(create one with `manage.py api_key create <username>`)."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api",
)
errors.install(api)

api.add_router("/residences", housing.residences)
api.add_router("/buildings", housing.buildings)
api.add_router("/dwellings", housing.dwellings)
api.add_router("/households", housing.households)
api.add_router("/allocation", allocation.router)
api.add_router("/intervention-requests", interventions.requests_router)
api.add_router("/work-orders", interventions.work_orders_router)
api.add_router("/rent", rent.router)
api.add_router("/federation", federation.router)
