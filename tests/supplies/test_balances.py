"""The kept stock balances (ADR 0053): after every kind of movement — receipt, issue,
transfer, count, receipt against a purchase order, pooled share received — the balance of
each location and item is the live sum of its movements; the balance is what the pages read;
the bulk loaders rebuild it set-based; the region-wide cover and the situation report read it."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from relais.supplies.models import Item, ItemKind, Movement, MovementKind, StockBalance
from relais.supplies.orders import services as orders
from relais.supplies.pooled import services as pooled
from relais.supplies.stock import selectors, services

from ..factories import OrganisationFactory
from .fixtures import make_location

pytestmark = pytest.mark.django_db


def _churn(organisation, locations, items, rng, moves):
    """``moves`` random receipts, issues, transfers and counts through the services."""
    for _ in range(moves):
        location, item = rng.choice(locations), rng.choice(items)
        kind = rng.choice(("receive", "receive", "issue", "transfer", "count"))
        stock = services.stock_of(location, item)
        if kind == "receive" or (kind in ("issue", "transfer") and stock == 0):
            services.movement_receive(
                organisation=organisation,
                actor=None,
                location=location,
                item=item,
                quantity=rng.randint(1, 50),
            )
        elif kind == "issue":
            services.movement_issue(
                organisation=organisation,
                actor=None,
                location=location,
                item=item,
                quantity=rng.randint(1, stock),
            )
        elif kind == "transfer":
            services.movement_transfer(
                organisation=organisation,
                actor=None,
                location=location,
                destination=next(other for other in locations if other != location),
                item=item,
                quantity=rng.randint(1, stock),
            )
        else:
            services.count_record(
                organisation=organisation,
                actor=None,
                location=location,
                counted={item: rng.randint(0, 40)},
            )


def _kept(organisation) -> dict[tuple[int, int], int]:
    return {
        (loc, item): units
        for loc, item, units in StockBalance.objects.filter(organisation=organisation).values_list(
            "location_id", "item_id", "units"
        )
    }


def _assert_kept(organisation):
    truth = selectors.movement_sums(organisation)
    assert _kept(organisation) == truth
    assert selectors.stock_sums(organisation) == truth


def test_the_balance_is_the_sum_after_every_kind_of_movement(organisation):
    agency = make_location(organisation)
    van = make_location(organisation, name="Véhicule")
    masks = Item.objects.get(organisation=organisation, kind=ItemKind.SURGICAL_MASK)
    gel = Item.objects.get(organisation=organisation, kind=ItemKind.GEL)
    common = {"organisation": organisation, "actor": None}
    services.movement_receive(**common, location=agency, item=masks, quantity=40)
    _assert_kept(organisation)
    services.movement_issue(**common, location=agency, item=masks, quantity=15)
    _assert_kept(organisation)
    services.movement_transfer(**common, location=agency, destination=van, item=masks, quantity=5)
    _assert_kept(organisation)
    services.count_record(**common, location=agency, counted={masks: 12, gel: 3})
    _assert_kept(organisation)
    assert (services.stock_of(agency, masks), services.stock_of(agency, gel)) == (12, 3)
    order = orders.order_create(
        **common,
        number="BC-1",
        supplier="Centrale",
        ordered_on=timezone.localdate(),
        lines={ItemKind.GEL: (10, 450)},
    )
    line = order.lines.get()
    orders.order_receive(**common, order=order, location=van, quantities={line.pk: 4})
    _assert_kept(organisation)
    campaign = pooled.campaign_open(
        **common,
        title="Masques régionaux",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        supplier="Centrale",
        prices={ItemKind.SURGICAL_MASK: 12},
    )
    campaign_line = campaign.lines.get()
    pooled.needs_declare(**common, campaign=campaign, quantities={campaign_line.pk: 30})
    pooled.campaign_order(**common, campaign=campaign)
    (share,) = pooled.campaign_deliver(
        **common, campaign=campaign, delivered={campaign_line.pk: 30}
    )
    pooled.share_receive(**common, share=share, location=agency)
    _assert_kept(organisation)
    assert services.stock_of(agency, masks) == 42
    kinds = set(Movement.objects.filter(organisation=organisation).values_list("kind", flat=True))
    assert kinds == set(MovementKind.values)


def test_random_movements_keep_every_balance_equal_to_the_sum(organisation):
    rng = random.Random(8)
    locations = [make_location(organisation, name=f"Lieu {n}") for n in range(3)]
    items = list(Item.objects.filter(organisation=organisation).order_by("pk"))[:3]
    neighbour = OrganisationFactory()
    theirs = [make_location(neighbour, name=f"Autre {n}") for n in range(2)]
    their_items = list(Item.objects.filter(organisation=neighbour).order_by("pk"))[:2]
    for _ in range(3):
        _churn(organisation, locations, items, rng, 15)
        _churn(neighbour, theirs, their_items, rng, 5)
        _assert_kept(organisation)
        _assert_kept(neighbour)
    some = [locations[0].pk, locations[2].pk]
    assert selectors.stock_sums(organisation, some) == selectors.movement_sums(organisation, some)
    assert selectors.stock_sums(organisation, []) == {}
    assert all(units >= 0 for units in _kept(organisation).values())


def test_the_balance_is_what_is_read_and_a_rebuild_restores_the_sum(organisation):
    rng = random.Random(3)
    locations = [make_location(organisation, name=f"Lieu {n}") for n in range(2)]
    items = list(Item.objects.filter(organisation=organisation).order_by("pk"))[:2]
    _churn(organisation, locations, items, rng, 20)
    row = StockBalance.objects.filter(organisation=organisation).first()
    StockBalance.objects.filter(pk=row.pk).update(units=row.units + 1000)
    key = (row.location_id, row.item_id)
    truth = selectors.movement_sums(organisation)
    assert selectors.stock_sums(organisation)[key] == truth[key] + 1000
    cells = {
        (place.location.pk, cell.item.pk): cell.stock
        for place in selectors.cover(organisation, None)
        for cell in place.cells
    }
    assert cells[key] == truth[key] + 1000
    assert services.balances_rebuild([organisation.pk]) == len(truth)
    _assert_kept(organisation)


def test_movements_loaded_in_bulk_get_their_balances_from_the_rebuild(organisation):
    """What the demo and the benches' seeds do: movements written set-based, then one
    grouped insert of the balances; the neighbour's balances are left alone."""
    location = make_location(organisation)
    neighbour = OrganisationFactory()
    theirs = make_location(neighbour, name="Ailleurs")
    their_masks = Item.objects.get(organisation=neighbour, kind=ItemKind.SURGICAL_MASK)
    services.movement_receive(
        organisation=neighbour, actor=None, location=theirs, item=their_masks, quantity=7
    )
    items = list(Item.objects.filter(organisation=organisation).order_by("pk"))
    now = timezone.now()
    Movement.objects.bulk_create(
        Movement(
            organisation=organisation,
            item=items[n % 3],
            location=location,
            kind=MovementKind.RECEIPT if n % 4 == 0 else MovementKind.ISSUE,
            quantity=50 if n % 4 == 0 else -(n % 7 + 1),
            occurred_at=now,
        )
        for n in range(40)
    )
    assert services.balances_rebuild([organisation.pk]) == 3
    _assert_kept(organisation)
    _assert_kept(neighbour)
    assert services.balances_rebuild([]) == 0


def test_the_situation_report_shows_the_shortest_days_of_cover(organisation):
    from relais.continuity import report

    day = timezone.localdate()
    figure = {row["key"]: row["value"] for row in report.compute_all(organisation, day)}
    assert figure["supplies.days_of_cover"] is None  # no stock location: not in use
    location = make_location(organisation, caretakers=2)  # 2 masks each a day: 4 a day
    masks = Item.objects.get(organisation=organisation, kind="surgical_mask")
    services.movement_receive(
        organisation=organisation, actor=None, location=location, item=masks, quantity=30
    )
    rows = selectors.overall(selectors.cover(organisation, day))
    expected = min(cell.days for cell in rows if cell.days is not None)
    figure = {row["key"]: row["value"] for row in report.compute_all(organisation, day)}
    assert next(cell.days for cell in rows if cell.item == masks) == 7  # 30 // 4
    assert figure["supplies.days_of_cover"] == expected <= 7


def test_the_region_wide_cover_is_each_landlords_cover(organisation):
    rng = random.Random(5)
    neighbour = OrganisationFactory()
    for org, prefix in ((organisation, "Lieu"), (neighbour, "Autre")):
        locations = [make_location(org, name=f"{prefix} {n}") for n in range(3)]
        items = list(Item.objects.filter(organisation=org).order_by("pk"))[:3]
        _churn(org, locations, items, rng, 30)
    bare = OrganisationFactory()
    day = timezone.localdate()

    def shape(rows):
        return [
            (row.location.pk, [(c.item.pk, c.stock, c.per_day, c.days, c.below) for c in row.cells])
            for row in rows
        ]

    many = selectors.cover_many([organisation, neighbour, bare], day)
    for org in (organisation, neighbour, bare):
        assert shape(many[org.pk]) == shape(selectors.cover(org, day))
        assert shape(many[org.pk]) == shape(selectors.cover(org, day, kept=False))
    assert many[bare.pk] == []
