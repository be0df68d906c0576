"""Writes of payables' intake: settings, suppliers, budget lines, invoices (keyed or read from an
e-invoice), matching with the work order and the holds. Approvals are in ``approvals.py``,
payments in ``payments.py``. Every write is audited in its transaction.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.templatetags.relais import euros
from relais.formats import of_name
from relais.interventions.work_orders import selectors as work_orders

from . import rules
from .einvoice import ParsedInvoice, ParsedLine, read_invoice_file
from .models import COMMITTED, Budget, Invoice, InvoiceLine, Status, Supplier
from .selectors import settings_for

WORK_ORDER_NUMBER = re.compile(r"^BC-(\d{1,12})$", re.IGNORECASE)


class InvoiceRefused(ValueError):
    """The invoice is not recorded; the message says why (duplicate, totals, supplier,
    dates). ``field`` names the form field at fault, when there is one."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass
class NewInvoice:
    supplier: Supplier
    number: str
    source: str
    issue_date: dt.date
    received_on: dt.date
    net_cents: int
    vat_cents: int
    gross_cents: int
    stated_due_on: dt.date | None = None
    order_reference: str = ""
    budget: object = None
    invoice_iban: str = ""
    lines: list[ParsedLine] = field(default_factory=list)
    vat_rows: list[rules.VatRow] = field(default_factory=list)


def settings_save(*, organisation, actor, form) -> None:
    with transaction.atomic():
        before = settings_for(organisation)
        saved = form.save(commit=False)
        saved.organisation = organisation
        saved.pk = before.pk
        saved.save()
        changes = {
            name: [getattr(before, name), form.cleaned_data[name]] for name in form.changed_data
        }
        audit.record(
            action="payables.settings_changed",
            organisation=organisation,
            actor=actor,
            obj=saved,
            changes=changes,
        )


def supplier_save(*, organisation, actor, form) -> Supplier:
    with transaction.atomic():
        creating = form.instance.pk is None
        supplier = form.save(commit=False)
        supplier.organisation = organisation
        supplier.save()
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if "contractor" in changes:
            changes["contractor"] = str(changes["contractor"] or "")
        audit.record(
            action="supplier.created" if creating else "supplier.changed",
            organisation=organisation,
            actor=actor,
            obj=supplier,
            changes=changes,
        )
    return supplier


def budget_save(*, organisation, actor, form) -> Budget:
    """Create or change a budget line from a valid ``BudgetForm`` (amount in cents),
    audited with the fields changed ([before, after] for a change)."""
    with transaction.atomic():
        creating = form.instance.pk is None
        previous = None
        if not creating:  # the form's instance already holds the new values
            previous = Budget.objects.select_for_update().get(
                pk=form.instance.pk, organisation=organisation
            )
        budget = form.save(commit=False)
        budget.organisation = organisation
        budget.save()
        changes = {
            name: form.cleaned_data[name]
            if previous is None
            else [getattr(previous, name), form.cleaned_data[name]]
            for name in form.changed_data
        }
        audit.record(
            action="budget.created" if creating else "budget.changed",
            organisation=organisation,
            actor=actor,
            obj=budget,
            changes=changes,
        )
    return budget


def totals_messages(problems) -> list[str]:
    labels = {
        "gross": _("net + VAT makes %(expected)s, the invoice says %(found)s"),
        "lines": _("the lines add up to %(expected)s excluding VAT, the invoice says %(found)s"),
        "vat": _("the VAT breakdown adds up to %(expected)s, the invoice says %(found)s"),
        "rate": _("a VAT rate applied to its base gives %(expected)s, the invoice says %(found)s"),
    }
    return [
        labels[check] % {"expected": euros(expected), "found": euros(found)}
        for check, expected, found in problems
    ]


def _short(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _check_dates(data: NewInvoice, today: dt.date) -> None:
    """Refuses incoherent dates, naming the field: an invoice dated or received in the
    future, received before its invoice date, or due before it (the payment deadline runs
    from the invoice or receipt date, Code de la commande publique R2192-10)."""
    if data.issue_date > today:
        raise InvoiceRefused(
            _("Invoice date: %(date)s is in the future.") % {"date": _short(data.issue_date)},
            field="issue_date",
        )
    if data.received_on > today:
        raise InvoiceRefused(
            _("Received on: %(date)s is in the future.") % {"date": _short(data.received_on)},
            field="received_on",
        )
    if data.received_on < data.issue_date:
        raise InvoiceRefused(
            _("Received on: %(received)s is before the invoice date (%(issued)s).")
            % {"received": _short(data.received_on), "issued": _short(data.issue_date)},
            field="received_on",
        )
    if data.stated_due_on and data.stated_due_on < data.issue_date:
        raise InvoiceRefused(
            _("Due date on the invoice: %(due)s is before the invoice date (%(issued)s).")
            % {"due": _short(data.stated_due_on), "issued": _short(data.issue_date)},
            field="stated_due_on",
        )


def _check(organisation, data: NewInvoice) -> None:
    _check_dates(data, timezone.localdate())
    problems = rules.totals_problems(
        net_cents=data.net_cents,
        vat_cents=data.vat_cents,
        gross_cents=data.gross_cents,
        lines=[rules.Line(line.net_cents, line.vat_rate_bp) for line in data.lines],
        vat_rows=data.vat_rows,
    )
    if problems:
        raise InvoiceRefused(
            _("The totals do not add up: %(problems)s.")
            % {"problems": "; ".join(totals_messages(problems))}
        )
    if data.gross_cents <= 0:
        raise InvoiceRefused(
            _("The amount to pay must be positive (credit notes are not handled here).")
        )
    if Invoice.objects.filter(
        organisation=organisation, supplier=data.supplier, number=data.number
    ).exists():
        raise InvoiceRefused(
            _("Invoice %(number)s %(of_supplier)s is already recorded.")
            % {"number": data.number, "of_supplier": of_name(data.supplier.name)}
        )


def match_work_order(organisation, supplier: Supplier, reference: str):
    """``(work order or None, hold reason)`` for an order reference: "BC-<id>" names a work
    order, otherwise the intervention request's tracking number (its newest work order of
    this supplier's contractor). An invoice for a work order not completed is held
    (DOMAIN.md §3b: matched with its service-done record before payment)."""
    reference = reference.strip()
    if not reference:
        return None, ""
    found = work_orders.for_organisation(organisation).select_related("contractor")
    numbered = WORK_ORDER_NUMBER.match(reference)
    if numbered:
        found = found.filter(pk=int(numbered.group(1)))
    else:
        found = found.filter(request__tracking_number=reference)
        if supplier.contractor_id:
            found = found.filter(contractor_id=supplier.contractor_id)
    work_order = found.order_by("-sent_at", "-id").first()
    if work_order is None:
        return None, _("no work order or order with the reference %(ref)s") % {"ref": reference}
    if supplier.contractor_id and work_order.contractor_id != supplier.contractor_id:
        return work_order, _("the work order was sent to %(other)s, not this supplier") % {
            "other": work_order.contractor.name
        }
    if work_order.status != "completed":
        return work_order, _("the work order is not completed yet (%(status)s)") % {
            "status": work_order.get_status_display()
        }
    return work_order, ""


def _over_budget(organisation, budget, gross_cents: int) -> bool:
    if budget is None:
        return False
    committed = (
        Invoice.objects.filter(
            organisation=organisation, budget=budget, status__in=COMMITTED
        ).aggregate(total=Sum("gross_cents"))["total"]
        or 0
    )
    return committed + gross_cents > budget.amount_cents


def _route(organisation, invoice: Invoice, conf) -> None:
    """Sets status, hold reason and approval levels from the matching and the amounts."""
    work_order, hold = match_work_order(organisation, invoice.supplier, invoice.order_reference)
    invoice.work_order = work_order
    invoice.hold_reason = hold[:300]
    invoice.levels = rules.levels_for(
        invoice.gross_cents,
        technician_limit_cents=conf.technician_limit_cents,
        manager_limit_cents=conf.manager_limit_cents,
        over_budget=_over_budget(organisation, invoice.budget, invoice.gross_cents),
    )
    invoice.status = Status.HELD if hold else Status.PENDING
    invoice.next_level = "" if hold else invoice.levels[0]


def _new_row(organisation, data: NewInvoice, conf, actor, original_name: str) -> Invoice:
    return Invoice(
        organisation=organisation,
        supplier=data.supplier,
        number=data.number,
        source=data.source,
        issue_date=data.issue_date,
        received_on=data.received_on,
        stated_due_on=data.stated_due_on,
        due_on=rules.due_date(
            regime=conf.regime,
            deadline_days=conf.deadline_days,
            issue_date=data.issue_date,
            received_on=data.received_on,
            stated_due_on=data.stated_due_on,
        ),
        net_cents=data.net_cents,
        vat_cents=data.vat_cents,
        gross_cents=data.gross_cents,
        order_reference=data.order_reference,
        budget=data.budget,
        invoice_iban=data.invoice_iban,
        original_name=original_name[:200],
        created_by=actor if actor and actor.is_authenticated else None,
    )


def _lines(organisation, invoice: Invoice, lines: list[ParsedLine]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            organisation=organisation,
            invoice=invoice,
            position=index,
            description=line.description or "—",
            net_cents=line.net_cents,
            vat_rate_bp=line.vat_rate_bp,
        )
        for index, line in enumerate(lines, start=1)
    ]


def invoice_create(
    *, organisation, actor, data: NewInvoice, file=None, original_name=""
) -> Invoice:
    """Records an invoice, refused (``InvoiceRefused``, nothing written) when a duplicate
    (same supplier and number) or when its totals do not add up; then matched and routed."""
    _check(organisation, data)
    conf = settings_for(organisation)
    invoice = _new_row(organisation, data, conf, actor, original_name)
    try:
        with transaction.atomic():
            _route(organisation, invoice, conf)
            if file is not None:
                invoice.file.save(original_name or "invoice", file, save=False)
            invoice.save()
            InvoiceLine.objects.bulk_create(_lines(organisation, invoice, data.lines))
            audit.record(
                action="invoice.received",
                organisation=organisation,
                actor=actor,
                obj=invoice,
                changes={
                    "source": invoice.source,
                    "gross_cents": invoice.gross_cents,
                    "status": invoice.status,
                    "hold_reason": invoice.hold_reason,
                },
            )
    except IntegrityError:
        raise InvoiceRefused(
            _("Invoice %(number)s %(of_supplier)s is already recorded.")
            % {"number": data.number, "of_supplier": of_name(data.supplier.name)}
        ) from None
    return invoice


def new_invoice_from(organisation, parsed: ParsedInvoice, received_on: dt.date) -> NewInvoice:
    if parsed.currency != "EUR":
        raise InvoiceRefused(
            _("Only invoices in euros are handled (this one is in %(currency)s).")
            % {"currency": parsed.currency}
        )
    supplier = Supplier.objects.filter(organisation=organisation, siren=parsed.seller_siren).first()
    if supplier is None:
        raise InvoiceRefused(
            _(
                "No supplier with SIREN %(siren)s (%(name)s): "
                "add the supplier first, with its bank details."
            )
            % {"siren": parsed.seller_siren or "?", "name": parsed.seller_name}
        )
    return NewInvoice(
        supplier=supplier,
        number=parsed.number,
        source=parsed.source,
        issue_date=parsed.issue_date,
        received_on=received_on,
        stated_due_on=parsed.stated_due_on,
        net_cents=parsed.net_cents,
        vat_cents=parsed.vat_cents,
        gross_cents=parsed.gross_cents,
        order_reference=parsed.order_reference,
        invoice_iban=parsed.iban,
        lines=parsed.lines,
        vat_rows=parsed.vat_rows,
    )


def invoice_from_file(*, organisation, actor, upload, received_on: dt.date, budget=None) -> Invoice:
    """A Factur-X PDF or a CII/UBL file uploaded → a recorded invoice (``InvoiceFileError``
    or ``InvoiceRefused`` otherwise, nothing written)."""
    content = upload.read()
    upload.seek(0)
    data = new_invoice_from(organisation, read_invoice_file(content), received_on)
    data.budget = budget
    return invoice_create(
        organisation=organisation,
        actor=actor,
        data=data,
        file=upload,
        original_name=getattr(upload, "name", ""),
    )


def invoice_recheck(*, organisation, actor, invoice: Invoice) -> Invoice:
    """A held invoice checked again (the work order may be completed now): it goes to
    approval when nothing holds it any more."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update(of=("self",)).get(
            pk=invoice.pk, organisation=organisation
        )
        if invoice.status != Status.HELD:
            return invoice
        before = invoice.hold_reason
        _route(organisation, invoice, settings_for(organisation))
        invoice.save(update_fields=["work_order", "hold_reason", "levels", "status", "next_level"])
        audit.record(
            action="invoice.rechecked",
            organisation=organisation,
            actor=actor,
            obj=invoice,
            changes={"hold_reason": [before, invoice.hold_reason], "status": invoice.status},
        )
    return invoice


def now_date() -> dt.date:
    return timezone.localdate()
