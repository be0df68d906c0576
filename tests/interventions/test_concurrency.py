"""Races on requests (PostgreSQL only: SQLite serialises every writer anyway): tenants and the
phone desk creating requests at once get distinct tracking numbers; the same form submitted
twice at once makes one request."""

import pytest
from django.db import connection

from relais.core.audit import verify_all
from relais.interventions.models import InterventionRequest, RequestSource
from relais.interventions.requests import services

from ..concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only contended on PostgreSQL")


def _create(organisation, lease, category, key=""):
    return lambda: services.request_create(
        organisation=organisation,
        actor=None,
        source=RequestSource.WEB,
        data=services.NewRequest(
            household=lease.household,
            lease=lease,
            dwelling=lease.dwelling,
            category=category,
            description="Fuite sous l'évier.",
            submission_key=key,
        ),
    )


def test_requests_created_at_once_get_distinct_numbers(organisation, lease, categories):
    calls = [_create(organisation, lease, categories["water_leak"]) for _ in range(6)]
    assert race(*calls) == []
    numbers = sorted(InterventionRequest.objects.values_list("tracking_number", flat=True))
    assert len(numbers) == 6 and numbers[-1].endswith("-000006")
    assert verify_all()[1] == []


def test_a_form_submitted_twice_at_once_makes_one_request(organisation, lease, categories):
    calls = [_create(organisation, lease, categories["water_leak"], key="same") for _ in range(3)]
    assert race(*calls) == []
    assert InterventionRequest.objects.count() == 1
