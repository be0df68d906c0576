"""Stock checkpoints (ADR 0044): a derived cache rebuilt from the movements. The stock read
through them is always the sum of every movement, before and after a rebuild, with movements
written after it, and whatever the organisation next door does."""

import random

import pytest

from relais.supplies.models import Item, Movement, StockCheckpoint
from relais.supplies.stock import selectors, services, tasks

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


def _world(organisation, rng, prefix="Lieu"):
    locations = [make_location(organisation, name=f"{prefix} {n}") for n in range(3)]
    items = list(Item.objects.filter(organisation=organisation).order_by("pk"))[:3]
    _churn(organisation, locations, items, rng, 30)
    return locations, items


def test_the_stock_read_through_checkpoints_is_the_sum_of_every_movement(organisation):
    rng = random.Random(8)
    locations, items = _world(organisation, rng)
    neighbour = OrganisationFactory()
    _world(neighbour, rng)
    assert selectors.stock_sums(organisation) == selectors.movement_sums(organisation)
    written = services.checkpoints_rebuild(organisation=organisation)
    assert written == StockCheckpoint.objects.filter(organisation=organisation).count() > 0
    last = Movement.objects.filter(organisation=organisation).order_by("-id").first()
    assert set(
        StockCheckpoint.objects.filter(organisation=organisation).values_list(
            "through_id", flat=True
        )
    ) == {last.pk}
    assert selectors.stock_sums(organisation) == selectors.movement_sums(organisation)
    _churn(organisation, locations, items, rng, 20)  # movements after the checkpoint
    _churn(neighbour, *_world(neighbour, rng, prefix="Autre"), rng, 5)
    services.checkpoints_rebuild(organisation=neighbour)
    assert selectors.stock_sums(organisation) == selectors.movement_sums(organisation)
    assert selectors.stock_sums(neighbour) == selectors.movement_sums(neighbour)
    some = [locations[0].pk, locations[2].pk]
    assert selectors.stock_sums(organisation, some) == selectors.movement_sums(organisation, some)
    assert selectors.stock_sums(organisation, []) == {}


def test_the_checkpoint_is_what_is_read_and_a_rebuild_repairs_it(organisation):
    locations, items = _world(organisation, random.Random(3))
    services.checkpoints_rebuild(organisation=organisation)
    row = StockCheckpoint.objects.filter(organisation=organisation).first()
    StockCheckpoint.objects.filter(pk=row.pk).update(units=row.units + 1000)
    key = (row.location_id, row.item_id)
    assert (
        selectors.stock_sums(organisation)[key] == selectors.movement_sums(organisation)[key] + 1000
    )
    services.checkpoints_rebuild(organisation=organisation)
    assert selectors.stock_sums(organisation) == selectors.movement_sums(organisation)
    cells = {
        (row.location.pk, cell.item.pk): cell.stock
        for row in selectors.cover(organisation, row.built_at.date())
        for cell in row.cells
    }
    truth = selectors.movement_sums(organisation)
    assert all(cells[key] == units for key, units in truth.items())


def test_an_inventory_count_rebuilds_the_checkpoints_after_commit(
    organisation, django_capture_on_commit_callbacks
):
    location = make_location(organisation)
    masks = Item.objects.filter(organisation=organisation).order_by("pk").first()
    services.movement_receive(
        organisation=organisation, actor=None, location=location, item=masks, quantity=12
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.count_record(
            organisation=organisation, actor=None, location=location, counted={masks: 9}
        )
    found = StockCheckpoint.objects.get(organisation=organisation, location=location, item=masks)
    assert found.units == 9
    assert found.through_id == Movement.objects.filter(organisation=organisation).latest("id").pk
    assert tasks.checkpoints_rebuild_all.call() == 1
    assert tasks.checkpoints_rebuild_task.call(10**9) == 0


def test_the_situation_report_shows_the_shortest_days_of_cover(organisation):
    from django.utils import timezone

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
    from django.utils import timezone

    rng = random.Random(5)
    neighbour = OrganisationFactory()
    _world(organisation, rng)
    _world(neighbour, rng, prefix="Autre")
    services.checkpoints_rebuild(organisation=organisation)  # the neighbour has none yet
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
    assert many[bare.pk] == []
