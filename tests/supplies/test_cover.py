"""Days of cover computed in the database (``stock.tallies``) are exactly the previous
definition — Python over ``staffing.headcounts``, the usage rates, the sum of every movement,
``rules.daily_use`` and ``rules.days_of_cover`` — on a small world with receipts, issues,
transfers, counts, the kept stock balances, staff declared on site in continuity, fractional
rates, an inactive location and an organisation next door (ADR 0044, ADR 0053)."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from relais.continuity import services as continuity
from relais.core.roles import Role
from relais.supplies import rules, staffing
from relais.supplies.models import Item, ItemKind, Location, LocationKind
from relais.supplies.stock import selectors

from ..continuity.factories import staff
from ..factories import AgencyFactory, OrganisationFactory
from .fixtures import make_location
from .test_balances import _churn

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def _previous(organisation, day, locations=None):
    """[(location id, [(item id, stock, units a day, days, below)])]: the definition before
    the cover moved into SQL."""
    if locations is None:
        locations = list(Location.objects.for_organisation(organisation).filter(is_active=True))
    items = list(Item.objects.for_organisation(organisation))
    rates = selectors.rates_by_item(organisation)
    people = staffing.headcounts(organisation, day)
    sums = selectors.movement_sums(organisation)
    found = []
    for location in locations:
        cells = []
        for item in items:
            stock = sums.get((location.pk, item.pk), 0)
            per_day = rules.daily_use(people.get(location.pk, {}), rates.get(item.pk, {}))
            days = rules.days_of_cover(stock, per_day)
            below = rules.below_threshold(days, location.threshold_days)
            cells.append((item.pk, stock, per_day, days, below))
        found.append((location.pk, cells))
    return found


def _shape(rows):
    return [
        (row.location.pk, [(c.item.pk, c.stock, c.per_day, c.days, c.below) for c in row.cells])
        for row in rows
    ]


def _world(organisation, rng, prefix):
    """An agency whose caretakers declare their day, a caretakers' room, a vehicle without
    anyone declared, an inactive location; random movements through the services."""
    agency = AgencyFactory(organisation=organisation, name=f"{prefix} agence")
    centre = make_location(organisation, name=f"{prefix} Centre", caretakers=2, officers=1)
    Location.objects.filter(pk=centre.pk).update(agency=agency, threshold_days=30)
    room = make_location(organisation, name=f"{prefix} Loge", caretakers=3)
    Location.objects.filter(pk=room.pk).update(agency=agency, kind=LocationKind.CARETAKER_ROOM)
    van = make_location(organisation, name=f"{prefix} Camion", caretakers=0)
    closed = make_location(organisation, name=f"{prefix} Ancien local", caretakers=1)
    locations = [centre, room, van, closed]
    items = list(Item.objects.filter(organisation=organisation).order_by("pk"))
    _churn(organisation, locations, items, rng, 60)
    Location.objects.filter(pk=closed.pk).update(is_active=False)
    return agency, locations, items


def _declare(organisation, agency, statuses):
    for index, (role, status) in enumerate(statuses):
        person = staff(organisation, role, last=f"Agent {index}", agency=agency)
        continuity.day_declare(
            organisation=organisation, actor=None, staff=person, day=DAY, status=status
        )


def test_the_cover_computed_in_sql_is_the_previous_definition(organisation):
    rng = random.Random(44)
    agency, locations, items = _world(organisation, rng, "A")
    _churn(organisation, locations[:3], items, rng, 25)
    _declare(
        organisation,
        agency,
        [(Role.CARETAKER, "on_site")] * 3
        + [(Role.TECHNICIAN, "on_site"), (Role.CARETAKER, "sick")],
    )
    neighbour = OrganisationFactory()
    other_agency, _, _ = _world(neighbour, rng, "B")
    empty = OrganisationFactory()
    for org in (organisation, neighbour, empty):
        for day in (DAY, DAY + dt.timedelta(days=1), None):
            expected = _previous(org, day)
            assert _shape(selectors.cover(org, day)) == expected
            assert _shape(selectors.cover(org, day, kept=False)) == expected
    # The declared staff replaced the agency location's headcount, not the caretakers' room's.
    centre = dict(_shape(selectors.cover(organisation, DAY)))[locations[0].pk]
    masks = Item.objects.get(organisation=organisation, kind=ItemKind.SURGICAL_MASK)
    assert next(cell[2] for cell in centre if cell[0] == masks.pk) == Decimal(6)
    many = selectors.cover_many([organisation, neighbour, empty], DAY)
    for org in (organisation, neighbour, empty):
        assert _shape(many[org.pk]) == _previous(org, DAY)
    closed = locations[3]
    assert _shape(selectors.cover(organisation, DAY, locations=[closed])) == _previous(
        organisation, DAY, [closed]
    )


def test_alerts_and_overall_figures_are_the_previous_ones(organisation):
    rng = random.Random(7)
    agency, locations, items = _world(organisation, rng, "A")
    _declare(organisation, agency, [(Role.CARETAKER, "on_site")])
    previous = _previous(organisation, DAY)
    by_pk = {location.pk: location for location in locations}
    staffed = set(
        staffing.Headcount.objects.filter(organisation=organisation, people__gt=0).values_list(
            "location_id", flat=True
        )
    )
    expected = sorted(
        (
            (min(c[3] for c in cells if c[3] is not None), by_pk[pk].name)
            for pk, cells in previous
            if pk in staffed and any(c[4] for c in cells)
        ),
    )
    below = selectors.locations_below(organisation, DAY)
    assert expected, "the world has a location under its threshold"
    assert [(row.shortest.days, row.location.name) for row in below] == expected
    totals = {}
    for _, cells in previous:
        for item_pk, stock, per_day, _, _ in cells:
            units, use = totals.get(item_pk, (0, Decimal(0)))
            totals[item_pk] = (units + stock, use + per_day)
    overall = selectors.overall(selectors.cover(organisation, DAY))
    assert [(c.item.pk, c.stock, c.per_day, c.days) for c in overall] == [
        (pk, units, use, rules.days_of_cover(units, use)) for pk, (units, use) in totals.items()
    ]


@pytest.mark.parametrize(
    "stock,use",
    [(0, 0), (30, 400), (31, 7), (-5, 10), (1, 3), (999_999_999, 1), (7, 30), (100, 33)],
)
def test_whole_days_in_hundredths_are_the_days_of_cover(stock, use):
    assert rules.whole_days(stock, use) == rules.days_of_cover(stock, Decimal(use) / 100)


def test_the_overall_badge_is_red_below_the_locations_threshold(organisation):
    """An item lasting 0 days overall, or fewer days than the threshold of the locations
    using it, is below the threshold in « Ensemble » as in « Lieux » (trial: green « 0 jour »)."""
    location = make_location(organisation, caretakers=2)  # 2 surgical masks a day each
    location.threshold_days = 7
    location.save(update_fields=["threshold_days"])
    masks = Item.objects.get(organisation=organisation, kind=ItemKind.SURGICAL_MASK)
    rows = selectors.cover(organisation, DAY)
    cell = next(c for c in selectors.overall(rows) if c.item == masks)
    assert (cell.days, cell.below) == (0, True)
    from relais.supplies.stock import services

    services.movement_receive(
        organisation=organisation, actor=None, location=location, item=masks, quantity=40
    )
    rows = selectors.cover(organisation, DAY)
    cell = next(c for c in selectors.overall(rows) if c.item == masks)
    assert (cell.days, cell.below) == (10, False)
    services.movement_issue(
        organisation=organisation, actor=None, location=location, item=masks, quantity=16
    )
    cell = next(c for c in selectors.overall(selectors.cover(organisation, DAY)) if c.item == masks)
    assert (cell.days, cell.below) == (6, True)
    assert (
        cell.below
        == selectors.cover(organisation, DAY)[0]
        .cells[[c.item for c in rows[0].cells].index(masks)]
        .below
    )
