"""Stock is a sum of movements: append-only rows, never below zero without a count."""

import pytest
from django.db import IntegrityError

from relais.core.models import AuditEvent
from relais.supplies.models import Item, ItemKind, Movement, MovementKind
from relais.supplies.stock import selectors, services
from relais.supplies.stock.services import StockError

from .fixtures import make_location

pytestmark = pytest.mark.django_db


def _masks(organisation):
    return Item.objects.get(organisation=organisation, kind=ItemKind.SURGICAL_MASK)


def _receive(organisation, location, item, units):
    return services.movement_receive(
        organisation=organisation, actor=None, location=location, item=item, quantity=units
    )


def test_stock_is_the_sum_of_movements(organisation):
    location = make_location(organisation)
    masks = _masks(organisation)
    _receive(organisation, location, masks, 100)
    services.movement_issue(
        organisation=organisation, actor=None, location=location, item=masks, quantity=30
    )
    assert services.stock_of(location, masks) == 70
    assert Movement.objects.filter(location=location).count() == 2
    assert AuditEvent.objects.filter(action="stock.issued", organisation=organisation).exists()


def test_an_issue_never_takes_the_stock_below_zero(organisation):
    location = make_location(organisation)
    masks = _masks(organisation)
    _receive(organisation, location, masks, 10)
    with pytest.raises(StockError, match="Il ne reste que 10"):
        services.movement_issue(
            organisation=organisation, actor=None, location=location, item=masks, quantity=11
        )
    other = make_location(organisation, name="Véhicule")
    with pytest.raises(StockError):
        services.movement_transfer(
            organisation=organisation,
            actor=None,
            location=location,
            destination=other,
            item=masks,
            quantity=11,
        )
    assert services.stock_of(location, masks) == 10
    assert Movement.objects.filter(organisation=organisation).count() == 1


def test_a_count_sets_the_stock_to_what_was_counted(organisation):
    location = make_location(organisation)
    masks = _masks(organisation)
    _receive(organisation, location, masks, 50)
    (count,) = services.count_record(
        organisation=organisation, actor=None, location=location, counted={masks: 42}
    )
    assert (count.kind, count.quantity, count.counted) == (MovementKind.COUNT, -8, 42)
    assert services.stock_of(location, masks) == 42
    with pytest.raises(StockError):
        services.count_record(
            organisation=organisation, actor=None, location=location, counted={masks: -1}
        )


def test_transfer_moves_units_between_locations(organisation):
    agency = make_location(organisation)
    van = make_location(organisation, name="Véhicule")
    masks = _masks(organisation)
    _receive(organisation, agency, masks, 20)
    services.movement_transfer(
        organisation=organisation,
        actor=None,
        location=agency,
        destination=van,
        item=masks,
        quantity=5,
    )
    assert (services.stock_of(agency, masks), services.stock_of(van, masks)) == (15, 5)


def test_movements_are_append_only(organisation):
    location = make_location(organisation)
    movement = _receive(organisation, location, _masks(organisation), 10)
    movement.quantity = 1000
    with pytest.raises(TypeError, match="append-only"):
        movement.save()
    with pytest.raises(TypeError, match="append-only"):
        movement.delete()
    with pytest.raises(TypeError, match="append-only"):
        Movement.objects.filter(pk=movement.pk).update(quantity=1000)
    with pytest.raises(TypeError, match="append-only"):
        Movement.objects.filter(pk=movement.pk).delete()
    movement.refresh_from_db()
    assert movement.quantity == 10


def test_the_admin_cannot_add_change_or_delete_movements(rf, admin_user):
    from django.contrib import admin

    model_admin = admin.site._registry[Movement]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_database_refuses_a_receipt_with_a_negative_quantity(organisation):
    location = make_location(organisation)
    with pytest.raises(IntegrityError):
        Movement(
            organisation=organisation,
            item=_masks(organisation),
            location=location,
            kind=MovementKind.RECEIPT,
            quantity=-5,
            occurred_at="2026-01-01T10:00:00Z",
        ).save()


def test_days_of_cover_from_declared_headcount(organisation, django_assert_max_num_queries):
    location = make_location(organisation, caretakers=2)  # 2 × 2 masks a day
    masks = _masks(organisation)
    _receive(organisation, location, masks, 30)
    make_location(organisation, name="Loge", caretakers=1)
    # The locations, the items, one aggregate query over the kept balances and the use
    # (ADR 0044, ADR 0053).
    with django_assert_max_num_queries(3):
        rows = selectors.cover(organisation, day=None)
    cells = {(row.location.name, cell.item.kind): cell for row in rows for cell in row.cells}
    cell = cells[("Agence Centre", ItemKind.SURGICAL_MASK)]
    assert (cell.stock, cell.per_day, cell.days, cell.below) == (30, 4, 7, False)
    assert cells[("Loge", ItemKind.SURGICAL_MASK)].days == 0
    assert cells[("Agence Centre", ItemKind.FFP2_MASK)].days is None  # no technician there


def test_no_stock_moves_at_another_organisations_location(organisation, other_organisation):
    mine = make_location(organisation)
    theirs = make_location(other_organisation, name="Ailleurs")
    masks = _masks(organisation)
    _receive(organisation, mine, masks, 10)
    with pytest.raises(StockError):
        services.count_record(
            organisation=organisation, actor=None, location=theirs, counted={masks: 3}
        )
    with pytest.raises(StockError):
        services.movement_transfer(
            organisation=organisation,
            actor=None,
            location=mine,
            destination=theirs,
            item=masks,
            quantity=2,
        )
    assert services.stock_of(mine, masks) == 10
    assert Movement.objects.filter(organisation=organisation).count() == 1
