"""Issue 19 §7: one current lease per household, by constraint; a transfer ends the old one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing import services
from relais.housing.models import Lease

from ..factories import DwellingFactory, HouseholdFactory, LeaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(organisation):
    """A household living in one dwelling since 2015, and a vacant dwelling."""
    household = HouseholdFactory(organisation=organisation, reference="MEN1")
    old = DwellingFactory(building__residence__organisation=organisation, reference="LOG1")
    LeaseFactory(
        dwelling=old, household=household, reference="BAIL1", start_date=dt.date(2015, 9, 1)
    )
    new = DwellingFactory(building=old.building, reference="LOG2")
    return household, new


def start(organisation, household, dwelling, **extra):
    return services.lease_start(
        organisation=organisation,
        actor=None,
        dwelling=dwelling,
        household=household,
        reference="BAIL2",
        start_date=dt.date(2026, 12, 1),
        charges_cents=8000,
        **extra,
    )


def test_the_database_refuses_a_second_current_lease_for_a_household(organisation, tenant):
    household, new = tenant
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.create(
            organisation=organisation,
            dwelling=new,
            household=household,
            reference="BAIL2",
            start_date=dt.date(2026, 12, 1),
            rent_cents=1,
            charges_cents=1,
        )


def test_letting_to_a_household_that_has_a_lease_is_refused(organisation, tenant):
    household, new = tenant
    with pytest.raises(ValidationError, match="BAIL1"):
        start(organisation, household, new)
    assert Lease.objects.get(household=household).end_date is None
    assert Lease.objects.count() == 1


def test_a_transfer_ends_the_old_lease_the_day_before(organisation, tenant):
    household, new = tenant

    lease = start(organisation, household, new, transfer=True)

    old = Lease.objects.get(reference="BAIL1")
    assert old.end_date == dt.date(2026, 11, 30)
    assert Lease.objects.get(household=household, end_date__isnull=True) == lease
    events = AuditEvent.objects.exclude(action="organisation.created").order_by("sequence")
    assert list(events.values_list("action", flat=True)) == ["lease.updated", "lease.created"]


def test_a_transfer_before_the_old_lease_began_is_refused(organisation, tenant):
    household, new = tenant
    with pytest.raises(ValidationError):
        services.lease_start(
            organisation=organisation,
            actor=None,
            dwelling=new,
            household=household,
            reference="BAIL2",
            start_date=dt.date(2015, 9, 1),
            charges_cents=8000,
            transfer=True,
        )
    assert Lease.objects.get(reference="BAIL1").end_date is None


def test_the_lease_form_offers_the_transfer(organisation, tenant, member_factory):
    household, new = tenant
    _user, client = member_factory(Role.CUSTOMER_OFFICER)
    url = reverse("housing:lease_start", args=[new.pk])
    data = {
        "reference": "BAIL2",
        "start_date": "2026-12-01",
        "household_reference": "MEN1",
        "charges": "80,00",
    }

    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "BAIL1" in refused.content.decode()

    assert client.post(url, {**data, "transfer": "on"}).status_code == 302
    assert Lease.objects.get(reference="BAIL1").end_date == dt.date(2026, 11, 30)
