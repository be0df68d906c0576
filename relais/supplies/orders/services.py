"""Purchase orders to suppliers and the receipts against their lines.

What has arrived on a line is the sum of its receipt movements: nothing is stored twice.
"""

from django.db.models import Sum
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction
from relais.formats import quantity

from ..models import PurchaseOrder, PurchaseOrderLine
from ..stock.services import StockError, items_ensure_defaults, movement_receive


@write_transaction
def order_create(
    *, organisation, actor, number: str, supplier: str, ordered_on, lines: dict
) -> PurchaseOrder:
    """An order with ``lines`` = {item kind: (units, unit price in cents)}; audited."""
    if PurchaseOrder.objects.filter(organisation=organisation, number=number).exists():
        raise StockError(_("An order with this number already exists."))
    items = items_ensure_defaults(organisation)
    order = PurchaseOrder.objects.create(
        organisation=organisation,
        number=number,
        supplier=supplier,
        ordered_on=ordered_on,
        created_by=actor,
    )
    PurchaseOrderLine.objects.bulk_create(
        [
            PurchaseOrderLine(
                organisation=organisation,
                order=order,
                item=items[kind],
                quantity=units,
                unit_price_cents=price,
            )
            for kind, (units, price) in lines.items()
        ]
    )
    audit.record(
        action="purchase_order.created",
        organisation=organisation,
        actor=actor,
        obj=order,
        changes={
            "supplier": supplier,
            "total_cents": sum(u * p for u, p in lines.values()),
        },
    )
    return order


def received_by_line(order) -> dict[int, int]:
    """{line id: units received so far}."""
    return dict(
        PurchaseOrderLine.objects.filter(order=order)
        .order_by()
        .values_list("pk")
        .annotate(units=Sum("receipts__quantity"))
        .values_list("pk", "units")
    )


@write_transaction
def order_receive(*, organisation, actor, order, location, quantities: dict[int, int]) -> int:
    """Receive units against the order's lines ({line id: units}) into ``location``; a line
    cannot receive more than was ordered. Returns the units received."""
    if order.organisation_id != organisation.pk:
        raise StockError(_("This order is not your organisation's."))
    lines = {line.pk: line for line in order.lines.select_related("item")}
    received = received_by_line(order)
    total = 0
    for line_id, units in quantities.items():
        if not units:
            continue
        line = lines.get(line_id)
        if line is None:
            raise StockError(_("This line is not on the order."))
        if (received.get(line_id) or 0) + units > line.quantity:
            raise StockError(
                _("%(item)s: more units than ordered (%(ordered)s).")
                % {"item": line.item, "ordered": quantity(line.quantity)}
            )
        movement_receive(
            organisation=organisation,
            actor=actor,
            location=location,
            item=line.item,
            quantity=units,
            note=order.number,
            order_line=line,
        )
        total += units
    if not total:
        raise StockError(_("Enter the units received on at least one line."))
    return total
