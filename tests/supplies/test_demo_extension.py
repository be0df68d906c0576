"""Supplies' part of the demo: locations with staff, eight weeks of movements, some locations
running low for the manager's card, an open pooled order; the reset leaves the same counts."""

import pytest
from django.utils import timezone

from relais.housing.demo import seed_demo
from relais.supplies.models import Campaign, Location, Movement, Need
from relais.supplies.stock.selectors import cover, locations_below, movement_sums, stock_sums

pytestmark = pytest.mark.django_db


def test_the_demo_has_stock_cover_alerts_and_a_pooled_order_and_resets():
    seed_demo(scale="tiny", seed=3)
    assert Location.objects.count() >= 6
    assert Movement.objects.filter(kind="issue").count() > 100
    location = Location.objects.first()
    rows = cover(location.organisation, timezone.localdate())
    assert all(cell.stock >= 0 for row in rows for cell in row.cells)
    below = [
        row
        for org_id in Location.objects.values_list("organisation_id", flat=True).distinct()
        for row in locations_below(
            Location.objects.filter(organisation_id=org_id)[0].organisation, timezone.localdate()
        )
    ]
    assert below, "a few demo locations run low"
    assert Campaign.objects.filter(status="open").count() == 1
    assert Need.objects.exists()
    before = (Location.objects.count(), Movement.objects.count(), Campaign.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (Location.objects.count(), Movement.objects.count(), Campaign.objects.count()) == before
    # The movements written set-based got their kept balances (ADR 0053).
    landlords = {
        location.organisation_id: location.organisation for location in Location.objects.all()
    }
    for landlord in landlords.values():
        assert stock_sums(landlord) == movement_sums(landlord) != {}
