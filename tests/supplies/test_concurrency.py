"""Two writers at once on one stock balance (PostgreSQL only: SQLite runs one write
transaction at a time). The balance row is locked before the stock is read, so two issues
at once never take it below zero; receipts add up; transfers both ways do not deadlock; the
balance stays the sum of the movements (ADR 0053)."""

import time

import pytest
from django.db import connection

from relais.supplies.models import Item, ItemKind
from relais.supplies.stock import selectors, services
from relais.supplies.stock.services import StockError

from ..concurrency import race
from .fixtures import make_location

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only contended on PostgreSQL")


@pytest.fixture
def slow_check(monkeypatch):
    """Hold every writer between reading the stock and writing the movement: without the
    balance lock, both would read the same stock and both write."""
    check = services._ensure_enough

    def slowly(*args):
        time.sleep(0.3)
        return check(*args)

    monkeypatch.setattr(services, "_ensure_enough", slowly)


def _world(organisation):
    agency = make_location(organisation)
    van = make_location(organisation, name="Véhicule")
    masks = Item.objects.get(organisation=organisation, kind=ItemKind.SURGICAL_MASK)
    return agency, van, masks


def test_two_issues_at_once_never_take_the_stock_below_zero(organisation, slow_check):
    agency, van, masks = _world(organisation)
    services.movement_receive(
        organisation=organisation, actor=None, location=agency, item=masks, quantity=10
    )

    def issue():
        services.movement_issue(
            organisation=organisation, actor=None, location=agency, item=masks, quantity=7
        )

    def transfer():
        services.movement_transfer(
            organisation=organisation,
            actor=None,
            location=agency,
            destination=van,
            item=masks,
            quantity=7,
        )

    errors = race(issue, transfer)
    assert len(errors) == 1 and isinstance(errors[0], StockError), errors
    assert services.stock_of(agency, masks) == 3
    assert selectors.stock_sums(organisation) == selectors.movement_sums(organisation)


def test_receipts_and_transfers_both_ways_at_once_add_up(organisation, slow_check):
    agency, van, masks = _world(organisation)
    for location in (agency, van):
        services.movement_receive(
            organisation=organisation, actor=None, location=location, item=masks, quantity=20
        )

    def receive():
        services.movement_receive(
            organisation=organisation, actor=None, location=agency, item=masks, quantity=5
        )

    def transfer(source, destination):
        return lambda: services.movement_transfer(
            organisation=organisation,
            actor=None,
            location=source,
            destination=destination,
            item=masks,
            quantity=4,
        )

    assert race(receive, receive, transfer(agency, van), transfer(van, agency)) == []
    assert services.stock_of(agency, masks) == 30
    assert services.stock_of(van, masks) == 20
    assert selectors.stock_sums(organisation) == selectors.movement_sums(organisation)
