"""The JSON API of requests and work orders: read, create a request (idempotent), health data
only with the ability and audited, 404 across organisations, bounded queries."""

import pytest

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.interventions.models import InterventionRequest

from ..api.factories import api_key_for
from .work_order_fixtures import make_request


def _client(client, organisation, role):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_for(organisation, role)}"
    return client


def test_list_and_detail_of_requests(
    client, organisation, lease, categories, django_assert_max_num_queries
):
    for n in range(3):
        make_request(lease, categories["water_leak"], number=f"DI-{n}", vulnerable_present=True)
    api = _client(client, organisation, Role.TECHNICIAN)
    with django_assert_max_num_queries(6):
        listed = api.get("/api/v1/intervention-requests").json()
    assert listed["count"] == 3 and listed["items"][0]["vulnerable_present"] is None
    found = InterventionRequest.objects.first()
    detail = api.get(f"/api/v1/intervention-requests/{found.pk}").json()
    assert (
        detail["vulnerable_present"] is True
        and detail["category"] == "Fuite d’eau"
        or detail["category"]
    )
    assert AuditEvent.objects.filter(action="intervention_request.viewed").count() == 1


def test_director_does_not_get_health_data(client, organisation, lease, categories):
    found = make_request(lease, categories["water_leak"], vulnerable_present=True)
    api = _client(client, organisation, Role.DIRECTOR)
    assert api.get(f"/api/v1/intervention-requests/{found.pk}").json()["vulnerable_present"] is None


def test_create_a_request_once(client, organisation, lease, categories, outbox):
    api = _client(client, organisation, Role.CUSTOMER_OFFICER)
    body = {
        "household_id": lease.household.pk,
        "category_id": categories["water_leak"].pk,
        "description": "Fuite au plafond",
        "submission_key": "abc-1",
    }
    first = api.post("/api/v1/intervention-requests", body, content_type="application/json")
    again = api.post("/api/v1/intervention-requests", body, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and InterventionRequest.objects.count() == 1
    assert first.json()["source"] == "phone"
    bad = api.post(
        "/api/v1/intervention-requests",
        {**body, "category_id": 999999},
        content_type="application/json",
    )
    assert bad.status_code == 422 and InterventionRequest.objects.count() == 1


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.ACCOUNTANT])
def test_who_may_create(client, organisation, lease, categories, role, outbox):
    api = _client(client, organisation, role)
    body = {
        "household_id": lease.household.pk,
        "category_id": categories["water_leak"].pk,
        "description": "Fuite",
    }
    assert (
        api.post("/api/v1/intervention-requests", body, content_type="application/json").status_code
        == 403
    )
