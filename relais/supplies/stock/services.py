"""Writes on stock: the landlord's items and locations, and movements (receipts, issues,
transfers, counts). Every movement is a new row; the stock is their sum (ADR 0044), kept per
location and item in ``StockBalance`` by the same transaction (ADR 0053).

Every movement adds its ``quantity`` to its balance row with one atomic upsert
(``INSERT … ON CONFLICT DO UPDATE SET units = units + excluded.units``), never a value
computed in Python. An issue, a transfer or a count first locks the balance rows it reads
(``SELECT … FOR UPDATE``, created at zero if missing), always in ascending (location id,
item id) order, so that two issues at once can never take the stock below zero between the
check and the insert, and two writers never wait on each other in a cycle.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core import audit
from relais.core.transactions import write_transaction
from relais.formats import quantity as grouped

from .. import defaults
from ..models import (
    Headcount,
    Item,
    Location,
    Movement,
    MovementKind,
    StockBalance,
    Unit,
    UsageRate,
)

BALANCE = StockBalance._meta.db_table
MOVEMENT = Movement._meta.db_table


class StockError(ValidationError):
    """A movement that cannot be recorded (not enough stock, bad quantity)."""


def items_ensure_defaults(organisation) -> dict[str, Item]:
    """Give ``organisation`` the default items and usage rates if missing (idempotent);
    returns {kind: item}."""
    with transaction.atomic():
        Item.objects.bulk_create(
            [
                Item(organisation=organisation, kind=kind, unit=unit)
                for kind, unit in defaults.ITEMS.items()
            ],
            ignore_conflicts=True,
        )
        items = {i.kind: i for i in Item.objects.for_organisation(organisation)}
        UsageRate.objects.bulk_create(
            [
                UsageRate(organisation=organisation, item=items[kind], role=role, per_shift=rate)
                for kind, by_role in defaults.RATES.items()
                for role, rate in by_role.items()
            ],
            ignore_conflicts=True,
        )
    return items


def _hold(organisation, pairs) -> dict[tuple[int, int], int]:
    """Lock the balance rows of ``pairs`` [(location, item)] (created at zero when missing)
    in ascending (location id, item id) order, the order every writer locks in;
    {(location id, item id): units in stock}. On SQLite the write transaction runs alone."""
    keys = sorted({(location.pk, item.pk) for location, item in pairs})
    if not keys:
        return {}
    StockBalance.objects.bulk_create(
        [
            StockBalance(organisation=organisation, location_id=loc, item_id=item, units=0)
            for loc, item in keys
        ],
        ignore_conflicts=True,
    )
    chosen = Q()
    for loc, item in keys:
        chosen |= Q(location_id=loc, item_id=item)
    rows = (
        StockBalance.objects.select_for_update()
        .filter(chosen)
        .order_by("location_id", "item_id")
        .values_list("location_id", "item_id", "units")
    )
    return {(loc, item): units for loc, item, units in rows}


def stock_of(location, item) -> int:
    """Units of ``item`` at ``location``: its kept balance, the sum of its movements."""
    units = (
        StockBalance.objects.filter(location=location, item=item)
        .values_list("units", flat=True)
        .first()
    )
    return units or 0


def _movement(organisation, actor, location, item, kind, quantity, when, **extra) -> Movement:
    """Insert the movement and add its quantity to its balance row (one upsert, in the
    caller's transaction)."""
    movement = Movement(
        organisation=organisation,
        item=item,
        location=location,
        kind=kind,
        quantity=quantity,
        occurred_at=when or timezone.now(),
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        **extra,
    )
    movement.save()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BALANCE} (organisation_id, location_id, item_id, units) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (location_id, item_id) "
            f"DO UPDATE SET units = {BALANCE}.units + excluded.units",
            [organisation.pk, location.pk, item.pk, quantity],
        )
    return movement


def _check(organisation, location, item, quantity):
    if item.organisation_id != organisation.pk or location.organisation_id != organisation.pk:
        raise StockError(_("This item or location does not belong to your organisation."))
    if quantity <= 0:
        raise StockError(_("Enter a quantity of at least one unit."))


@write_transaction
def movement_receive(
    *, organisation, actor, location, item, quantity: int, note="", when=None, **links
) -> Movement:
    """Record ``quantity`` units received at ``location`` (``links``: ``order_line`` or
    ``share`` the receipt is against); audited."""
    _check(organisation, location, item, quantity)
    movement = _movement(
        organisation,
        actor,
        location,
        item,
        MovementKind.RECEIPT,
        quantity,
        when,
        note=note,
        **links,
    )
    _audit(organisation, actor, movement, "stock.received")
    return movement


@write_transaction
def movement_issue(
    *, organisation, actor, location, item, quantity: int, note="", when=None
) -> Movement:
    """Record ``quantity`` units given to staff from ``location``; refused (StockError) when
    the stock there is smaller: only a count may say the shelf holds less than the books."""
    _check(organisation, location, item, quantity)
    held = _hold(organisation, [(location, item)])
    _ensure_enough(location, item, quantity, held[location.pk, item.pk])
    movement = _movement(
        organisation, actor, location, item, MovementKind.ISSUE, -quantity, when, note=note
    )
    _audit(organisation, actor, movement, "stock.issued")
    return movement


@write_transaction
def movement_transfer(
    *, organisation, actor, location, destination, item, quantity: int, note="", when=None
) -> Movement:
    """Move ``quantity`` units from ``location`` to ``destination``: two movements (the one out
    is returned), the stock at ``location`` never below zero."""
    _check(organisation, location, item, quantity)
    _check(organisation, destination, item, quantity)
    if destination.pk == location.pk:
        raise StockError(_("Choose another location to transfer to."))
    held = _hold(organisation, [(location, item), (destination, item)])
    _ensure_enough(location, item, quantity, held[location.pk, item.pk])
    when = when or timezone.now()
    out = _movement(
        organisation,
        actor,
        location,
        item,
        MovementKind.TRANSFER_OUT,
        -quantity,
        when,
        note=note,
        other_location=destination,
    )
    _movement(
        organisation,
        actor,
        destination,
        item,
        MovementKind.TRANSFER_IN,
        quantity,
        when,
        note=note,
        other_location=location,
    )
    _audit(organisation, actor, out, "stock.transferred", destination=destination.name)
    return out


@write_transaction
def count_record(
    *, organisation, actor, location, counted: dict, note="", when=None
) -> list[Movement]:
    """An inventory count at ``location``: ``counted`` is {item: units on the shelf}. Each item
    counted gets a count movement whose quantity is the difference with the books (zero when
    they agree), so the stock afterwards is exactly what was counted."""
    if location.organisation_id != organisation.pk:
        raise StockError(_("This item or location does not belong to your organisation."))
    counted = {item: units for item, units in counted.items() if units is not None}
    for item, units in counted.items():
        _check(organisation, location, item, 1)
        if units < 0:
            raise StockError(_("A count cannot be negative."))
    held = _hold(organisation, [(location, item) for item in counted])
    when = when or timezone.now()
    made = []
    for item, units in sorted(counted.items(), key=lambda pair: pair[0].pk):
        difference = units - held[location.pk, item.pk]
        made.append(
            _movement(
                organisation,
                actor,
                location,
                item,
                MovementKind.COUNT,
                difference,
                when,
                note=note,
                counted=units,
            )
        )
    audit.record(
        action="stock.counted",
        organisation=organisation,
        actor=actor,
        obj=location,
        changes={
            "items": len(made),
            "difference": sum(m.quantity for m in made),
        },
    )
    return made


def units_of(item, count: int) -> str:
    """``count`` in the item's unit, grouped and agreed: « 132 unités », « 1 paire »,
    « 3 flacons »."""
    shown = {"n": grouped(count)}
    if item.unit == Unit.PAIR:
        return ngettext("%(n)s pair", "%(n)s pairs", count) % shown
    if item.unit == Unit.BOTTLE:
        return ngettext("%(n)s bottle", "%(n)s bottles", count) % shown
    if item.unit == Unit.CAN:
        return ngettext("%(n)s can", "%(n)s cans", count) % shown
    return ngettext("%(n)s unit", "%(n)s units", count) % shown


def _ensure_enough(location, item, quantity, available):
    """Refuse taking ``quantity`` units when only ``available`` are there: « Il ne reste plus
    de … » when nothing is left, « Il ne reste que 132 unités de … » otherwise."""
    if available >= quantity:
        return
    names = {"item": item, "location": location}
    if available <= 0:
        raise StockError(
            _(
                "None left of %(item)s at %(location)s: record an inventory count if the shelf "
                "holds some."
            )
            % names
        )
    raise StockError(
        _(
            "Only %(amount)s of %(item)s left at %(location)s: record an inventory count if "
            "the shelf holds more."
        )
        % {"amount": units_of(item, available), **names}
    )


def _audit(organisation, actor, movement, action, **extra):
    audit.record(
        action=action,
        organisation=organisation,
        actor=actor,
        obj=movement.location,
        changes={"item": str(movement.item), "quantity": movement.quantity, **extra},
    )


@write_transaction
def location_save(*, organisation, actor, location: Location, headcount: dict[str, int]):
    """Create or change a location (already validated) and its declared headcount per role
    ({role: people on site a day}; 0 removes the role); audited."""
    creating = location.pk is None
    items_ensure_defaults(organisation)
    location.organisation = organisation
    location.save()
    for role, people in headcount.items():
        if people:
            Headcount.objects.update_or_create(
                organisation=organisation,
                location=location,
                role=role,
                defaults={"people": people},
            )
        else:
            Headcount.objects.filter(location=location, role=role).delete()
    audit.record(
        action="supplies_location.created" if creating else "supplies_location.changed",
        organisation=organisation,
        actor=actor,
        obj=location,
        changes={"headcount": {str(r): n for r, n in headcount.items()}},
    )
    return location


@write_transaction
def rates_save(*, organisation, actor, rates: dict[tuple[Item, str], object]) -> None:
    """Set the units per person per shift of each (item, role); 0 removes the rate."""
    for (item, role), per_shift in rates.items():
        if per_shift:
            UsageRate.objects.update_or_create(
                organisation=organisation, item=item, role=role, defaults={"per_shift": per_shift}
            )
        else:
            UsageRate.objects.filter(organisation=organisation, item=item, role=role).delete()
    audit.record(
        action="supplies_rates.changed",
        organisation=organisation,
        actor=actor,
        changes={"rates": len(rates)},
    )


def balances_rebuild(organisation_ids) -> int:
    """Rewrite the stock balances of ``organisation_ids`` from their movements, set-based
    (``DELETE`` then ``INSERT … SELECT SUM(quantity) … GROUP BY``): for the bulk loaders that
    write movements without the services (the demo, the benches' seeds), while nobody else
    writes stock. A derived row, not a change of stock: not audited. Returns the rows
    written."""
    ids = [int(pk) for pk in organisation_ids]
    if not ids:
        return 0
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BALANCE} WHERE organisation_id IN ({marks})", ids)
        cursor.execute(
            f"INSERT INTO {BALANCE} (organisation_id, location_id, item_id, units) "
            f"SELECT organisation_id, location_id, item_id, SUM(quantity) FROM {MOVEMENT} "
            f"WHERE organisation_id IN ({marks}) GROUP BY organisation_id, location_id, item_id",
            ids,
        )
        return cursor.rowcount
