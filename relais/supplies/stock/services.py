"""Writes on stock: the landlord's items and locations, and movements (receipts, issues,
transfers, counts). Every movement is a new row; the stock is their sum (ADR 0044).

Two writers at one location are serialised by locking the location row (``FOR NO KEY
UPDATE``) before the stock is read, so an issue can never take the stock below zero between
the check and the insert. Transfers lock both locations in ascending id order.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from .. import defaults
from ..models import (
    Headcount,
    Item,
    Location,
    Movement,
    MovementKind,
    StockCheckpoint,
    UsageRate,
)

REBUILD_TASK = "relais.supplies.stock.tasks.checkpoints_rebuild_task"


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


def _lock(organisation, *locations) -> None:
    ids = sorted({location.pk for location in locations})
    locked = list(
        Location.objects.select_for_update(of=("self",), no_key=True)
        .filter(organisation=organisation, pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if locked != ids:
        raise StockError(_("This location does not belong to your organisation."))


def stock_of(location, item) -> int:
    """Units of ``item`` at ``location``: the sum of its movements."""
    total = Movement.objects.filter(
        organisation_id=location.organisation_id, location=location, item=item
    ).aggregate(total=Sum("quantity"))["total"]
    return total or 0


def _movement(organisation, actor, location, item, kind, quantity, when, **extra) -> Movement:
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
    _lock(organisation, location)
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
    _lock(organisation, location)
    _ensure_enough(location, item, quantity)
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
    if destination.pk == location.pk:
        raise StockError(_("Choose another location to transfer to."))
    _lock(organisation, location, destination)
    _ensure_enough(location, item, quantity)
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
    _lock(organisation, location)
    when = when or timezone.now()
    made = []
    for item, units in counted.items():
        if units is None:
            continue
        if units < 0:
            raise StockError(_("A count cannot be negative."))
        if item.organisation_id != organisation.pk:
            raise StockError(_("This item does not belong to your organisation."))
        difference = units - stock_of(location, item)
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
    transaction.on_commit(lambda: _enqueue_rebuild(organisation.pk))
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


def _ensure_enough(location, item, quantity):
    available = stock_of(location, item)
    if available < quantity:
        raise StockError(
            _(
                "Only %(available)d left of %(item)s at %(location)s: record an inventory count "
                "if the shelf holds more."
            )
            % {"available": available, "item": item, "location": location}
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


def _enqueue_rebuild(organisation_id: int) -> None:
    from relais.core.enqueue import enqueue

    enqueue(REBUILD_TASK, organisation_id)


@write_transaction
def checkpoints_rebuild(*, organisation) -> int:
    """Rebuild the organisation's stock checkpoints from its movements (ADR 0044): one row per
    location and item holding the sum of every movement up to the organisation's largest
    movement id. Every location of the organisation is locked first (ascending ids, the
    order transfers lock in), so no movement of it is being written meanwhile and none can
    later appear with a smaller id. A derived cache, not a change of stock: not audited.
    Returns the number of rows written."""
    _lock(organisation, *Location.objects.for_organisation(organisation).order_by("pk"))
    movements = Movement.objects.filter(organisation=organisation).order_by()
    through = movements.aggregate(last=Max("id"))["last"]
    StockCheckpoint.objects.filter(organisation=organisation).delete()
    if through is None:
        return 0
    now = timezone.now()
    sums = (
        movements.filter(id__lte=through)
        .values_list("location_id", "item_id")
        .annotate(units=Sum("quantity"))
    )
    made = StockCheckpoint.objects.bulk_create(
        StockCheckpoint(
            organisation=organisation,
            location_id=location_id,
            item_id=item_id,
            units=units,
            through_id=through,
            built_at=now,
        )
        for location_id, item_id, units in sums
    )
    return len(made)
