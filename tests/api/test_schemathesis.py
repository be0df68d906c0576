"""Property-based run of every API operation against the OpenAPI schema (schemathesis).

Each operation gets a few dozen generated requests (valid and invalid parameters) with the
bearer key of a member of a seeded organisation; none may end in a server error, and every
response must be one the schema documents.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relais.core.roles import Role

from .factories import api_key_for, make_stock

# No 5xx, and every response (200, 401, 403, 404, 422) is documented and matches the schema.
# Not run: ``negative_data_rejection`` (unknown query parameters are ignored, as is usual) and
# ``ignored_auth`` (this test always sends the key, so it cannot judge requests without one;
# tests/api/test_api.py covers missing, bad and revoked keys).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Keep the WSGI handler from closing the connection that holds the test's transaction.

    Requests go through Django's plain WSGI handler, whose ``request_started`` and
    ``request_finished`` signals close the connection (Django's test client disconnects them
    the same way). SQLite's in-memory test database ignores the close; PostgreSQL does not.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def bearer(organisation, other_organisation, role):
    """Headers with the key of a member of a seeded organisation."""
    make_stock(organisation)
    make_stock(organisation)
    make_stock(other_organisation)
    return {"Authorization": f"Bearer {api_key_for(organisation, role)}"}


@schema.parametrize()
# A customer officer reads everything, sensitive fields included. Being parametrized also
# gives each operation its own node id: pytest 9.2 builds node ids from the function name
# and the parameters, not from the item name schemathesis sets, and pytest-xdist would run
# only one of eight items sharing an id.
@pytest.mark.parametrize("role", [Role.CUSTOMER_OFFICER])
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    # The seeded rows are only read: sharing them between examples is intended.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_schema(case, bearer):
    response = case.call(headers=bearer)
    case.validate_response(response, checks=CHECKS)
