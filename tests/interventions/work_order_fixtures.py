"""Fixtures of the work-order, contractor and on-call tests (imported by those modules, so
the request tests' conftest stays theirs): a triaged request, a contractor, the messages
handed to the outbox."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.interventions.models import Contractor, InterventionRequest, RequestStatus

from ..factories import AgencyFactory

SIREN = "552100554"  # a valid SIREN (Luhn)


def make_request(
    lease,
    category,
    *,
    priority=None,
    reported_at=None,
    status=RequestStatus.TRIAGED,
    number="DI-2026-000001",
    **extra,
):
    """A request of ``lease``'s household, straight into ``status`` (no service: the tests
    here start where triage ends)."""
    organisation = lease.dwelling.building.residence.organisation
    return InterventionRequest.objects.create(
        organisation=organisation,
        tracking_number=number,
        household=lease.household,
        lease=lease,
        dwelling=lease.dwelling,
        category=category,
        description="Fuite sous l'évier de la cuisine.",
        source="web",
        status=status,
        priority=priority or category.default_priority,
        reported_at=reported_at or timezone.now() - dt.timedelta(hours=1),
        contact_phone="06 12 34 56 78",
        **extra,
    )


@pytest.fixture
def messages_sent(monkeypatch):
    """Keyword arguments of every ``queue_message`` call (work orders and on-call)."""
    sent = []

    def queue_message(**kwargs):
        sent.append(kwargs)
        return object()

    monkeypatch.setattr("relais.interventions.work_orders.notify.queue_message", queue_message)
    monkeypatch.setattr("relais.interventions.on_call.notify.queue_message", queue_message)
    return sent


@pytest.fixture
def triaged(lease, categories):
    return make_request(lease, categories["water_leak"])


@pytest.fixture
def agency(lease):
    residence = lease.dwelling.building.residence
    residence.agency = AgencyFactory(organisation=residence.organisation, name="Agence Nord")
    residence.save(update_fields=["agency"])
    return residence.agency


@pytest.fixture
def plumber(organisation, categories):
    contractor = Contractor.objects.create(
        organisation=organisation,
        name="Plomberie Martin",
        siren=SIREN,
        email="contact@plomberie-martin.fr",
    )
    contractor.trades.add(categories["water_leak"])
    return contractor
