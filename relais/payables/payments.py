"""Paying: payment runs into one SEPA credit transfer file (pain.001.001.03, built with
sepaxml and validated against its XSD), and invoices marked paid from the bank statement
(camt.053/054 read by ``relais.core.bank.camt``), with the late-payment interest owed.

Each invoice's credit transfer carries the end-to-end id ``RLS<invoice id>`` (≤ 35
characters); the statement's transaction details give it back, or, for a batch booked as
one entry without details, the run's payment information id.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import formats, timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.bank.camt import read_statement
from relais.core.templatetags.relais import euros
from relais.formats import of_name

from . import delays, rules
from .models import Invoice, PaymentRun, Status
from .selectors import settings_for

SCHEMA = "pain.001.001.03"


class PaymentRunRefused(ValueError):
    """No file was made; the message says why."""


@functools.cache
def _schema():
    import sepaxml
    from lxml import etree

    path = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def validate_pain001(xml: bytes) -> list[str]:
    """The XSD errors of a pain.001.001.03 file (empty when valid)."""
    from lxml import etree

    schema = _schema()
    document = etree.fromstring(
        xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def end_to_end_id(invoice_id: int) -> str:
    return f"RLS{invoice_id}"


def _debtor(conf) -> dict:
    from schwifty import IBAN

    if not (conf.debtor_name and conf.debtor_iban):
        raise PaymentRunRefused(
            _("Enter the account paid from (holder and IBAN) in the payables settings first.")
        )
    bic = conf.debtor_bic or str(IBAN(conf.debtor_iban).bic or "")
    config = {
        "name": conf.debtor_name,
        "IBAN": conf.debtor_iban.replace(" ", ""),
        "batch": True,
        "currency": "EUR",
    }
    if bic:
        config["BIC"] = bic
    return config


def build_pain001(config: dict, payments: list[dict], message_id: str) -> tuple[bytes, str]:
    """sepaxml's pain.001.001.03 of ``payments`` (sepaxml's dicts: name, IBAN, BIC?, amount
    in cents, execution_date, description, endtoend_id) → (XML bytes, PmtInfId), the
    MsgId and PmtInfId being ``message_id`` (≤ 32 characters, SEPA charset); raises
    ``PaymentRunRefused`` when the file does not validate against the XSD."""
    from lxml import etree
    from sepaxml import SepaTransfer

    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    for payment in payments:
        transfer.add_payment(payment)
    root = etree.fromstring(transfer.export(validate=False))
    # sepaxml writes its own ids (a 12-hour clock timestamp, a random PmtInfId) when the
    # header is built: the file carries the run's id Relais shows instead.
    root.find("{*}CstmrCdtTrfInitn/{*}GrpHdr/{*}MsgId").text = message_id
    batches = root.findall(".//{*}PmtInf/{*}PmtInfId")
    for number, node in enumerate(batches, start=1):
        node.text = message_id if len(batches) == 1 else f"{message_id}-{number}"
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    errors = validate_pain001(xml)
    if errors:
        raise PaymentRunRefused(
            _("The transfer file does not validate: %(errors)s") % {"errors": "; ".join(errors[:3])}
        )
    pmt_inf_id = batches[0].text if batches else ""
    return xml, pmt_inf_id


def payable(organisation, due_by: dt.date):
    """Approved invoices due by ``due_by``, small suppliers first, then the soonest due
    (DOMAIN.md §3b: in 2020 landlords paid small contractors first)."""
    return (
        Invoice.objects.filter(
            organisation=organisation, status=Status.APPROVED, due_on__lte=due_by
        )
        .select_related("supplier")
        .order_by("-supplier__small_business", "due_on", "id")
    )


def _transfer(invoice: Invoice, execution_date: dt.date) -> dict:
    """sepaxml's payment dict of one invoice, to the supplier's account on file."""
    supplier = invoice.supplier
    return {
        "name": supplier.name,
        "IBAN": supplier.iban.replace(" ", ""),
        **({"BIC": supplier.bic} if supplier.bic else {}),
        "amount": invoice.gross_cents,
        "execution_date": execution_date,
        "description": f"Facture {invoice.number}",
        "endtoend_id": end_to_end_id(invoice.pk),
    }


def payment_run_create(
    *, organisation, actor, execution_date: dt.date, due_by: dt.date, limit: int | None = None
) -> PaymentRun:
    """One pain.001 paying the approved invoices due by ``due_by`` on ``execution_date``;
    the invoices are claimed by a conditional UPDATE (approved → in payment), so two runs
    started together never pay an invoice twice."""
    conf = settings_for(organisation)
    config = _debtor(conf)
    with transaction.atomic():
        ids = list(payable(organisation, due_by).values_list("id", flat=True)[:limit])
        if not ids:
            raise PaymentRunRefused(_("No approved invoice is due by that date."))
        message_id = f"RELAIS-{timezone.now():%Y%m%d%H%M%S}-{get_random_string(8)}"
        run = PaymentRun.objects.create(
            organisation=organisation,
            execution_date=execution_date,
            message_id=message_id,
            invoice_count=0,
            total_cents=0,
            xml="",
            created_by=actor,
        )
        claimed = Invoice.objects.filter(pk__in=ids, status=Status.APPROVED).update(
            status=Status.IN_PAYMENT, payment_run=run
        )
        if not claimed:
            raise PaymentRunRefused(_("These invoices are already in another payment run."))
        invoices = list(payable_in(run))
        payments = [_transfer(invoice, execution_date) for invoice in invoices]
        xml, pmt_inf_id = build_pain001(config, payments, message_id)
        for invoice in invoices:
            invoice.end_to_end_id = end_to_end_id(invoice.pk)
        Invoice.objects.bulk_update(invoices, ["end_to_end_id"], batch_size=1000)
        run.xml = xml.decode()
        run.payment_information_id = pmt_inf_id
        run.invoice_count = len(invoices)
        run.total_cents = sum(invoice.gross_cents for invoice in invoices)
        run.save(update_fields=["xml", "payment_information_id", "invoice_count", "total_cents"])
        audit.record(
            action="payment_run.created",
            organisation=organisation,
            actor=actor,
            obj=run,
            changes={
                "invoices": run.invoice_count,
                "total_cents": run.total_cents,
                "execution_date": execution_date,
            },
        )
    return run


@dataclass
class LateInRun:
    invoice: Invoice
    late: rules.LatePayment


def paid_late(run: PaymentRun, invoices, conf) -> list[LateInRun]:
    """The run's ``invoices`` due before its execution date, with the interest and the 40 €
    indemnity the delay will cost (Code de commerce L441-10 / commande publique R2192-31);
    ``conf`` is the organisation's ``PayablesSettings``."""
    found = []
    for invoice in invoices:
        late = rules.late_payment(
            gross_cents=invoice.gross_cents,
            due_on=invoice.due_on,
            paid_on=run.execution_date,
            regime=conf.regime,
            ecb_rate_bp=conf.ecb_rate_bp,
        )
        if late.days > 0:
            found.append(LateInRun(invoice, late))
    return found


def payable_in(run: PaymentRun):
    return (
        Invoice.objects.filter(payment_run=run)
        .select_related("supplier")
        .order_by("-supplier__small_business", "due_on", "id")
    )


@dataclass
class StatementResult:
    paid: list[Invoice] = field(default_factory=list)
    already_paid: int = 0
    unmatched: list[str] = field(default_factory=list)  # sentences for people


def mark_paid(invoice: Invoice, paid_on: dt.date, conf) -> None:
    """Sets the invoice paid on ``paid_on`` with its delay (days from receipt) and the late
    interest and indemnity owed under ``conf`` (in memory: ``save_paid`` writes)."""
    late = rules.late_payment(
        gross_cents=invoice.gross_cents,
        due_on=invoice.due_on,
        paid_on=paid_on,
        regime=conf.regime,
        ecb_rate_bp=conf.ecb_rate_bp,
    )
    invoice.status = Status.PAID
    invoice.paid_on = paid_on
    invoice.delay_days = max((paid_on - invoice.received_on).days, 0)
    invoice.late_days = late.days
    invoice.interest_cents = late.interest_cents
    invoice.indemnity_cents = late.indemnity_cents


def _candidates(organisation, transactions) -> dict[str, list[Invoice]]:
    """Invoices in payment by end-to-end id, and by run (``run:<PmtInfId>``)."""
    e2e = {t.end_to_end_id for t in transactions if t.end_to_end_id}
    runs = {t.payment_information_id for t in transactions if t.payment_information_id}
    found: dict[str, list[Invoice]] = {}
    rows = (
        Invoice.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, end_to_end_id__in=e2e)
        .select_related("supplier")
    )
    for invoice in rows:
        found.setdefault(invoice.end_to_end_id, []).append(invoice)
    batch = (
        Invoice.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, payment_run__payment_information_id__in=runs)
        .select_related("payment_run")
    )
    for invoice in batch:
        found.setdefault(f"run:{invoice.payment_run.payment_information_id}", []).append(invoice)
    return found


def _match(transaction_, found, today: dt.date) -> list[Invoice] | str:
    """The invoices a debit pays, or why it pays none (a booking date in the future is
    refused: it would be the payment date the late-payment interest runs to)."""
    booked_on = transaction_.booking_date or transaction_.value_date
    if booked_on and booked_on > today:
        return _("entry %(n)s: booked on %(date)s, a date in the future; not marked paid") % {
            "n": transaction_.entry_number,
            "date": formats.date_format(booked_on, "SHORT_DATE_FORMAT"),
        }
    by_e2e = found.get(transaction_.end_to_end_id) if transaction_.end_to_end_id else None
    if by_e2e:
        invoice = by_e2e[0]
        if invoice.gross_cents != transaction_.amount_cents:
            return _(
                "entry %(n)s: pays %(paid)s for invoice %(number)s %(of_supplier)s, "
                "which is %(gross)s"
            ) % {
                "n": transaction_.entry_number,
                "paid": euros(transaction_.amount_cents),
                "number": invoice.number,
                "of_supplier": of_name(invoice.supplier.name),
                "gross": euros(invoice.gross_cents),
            }
        return [invoice]
    batch = (
        found.get(f"run:{transaction_.payment_information_id}")
        if transaction_.payment_information_id
        else None
    )
    if batch and sum(i.gross_cents for i in batch) == transaction_.amount_cents:
        return batch
    return _("entry %(n)s: no invoice in payment matches (bank reference %(ref)s)") % {
        "n": transaction_.entry_number,
        "ref": transaction_.end_to_end_id or transaction_.payment_information_id or "—",
    }


def save_paid(organisation, invoices: list[Invoice]) -> None:
    """Writes invoices set paid by ``mark_paid`` and adds them to the per-supplier delay
    summary (``SupplierPaidMonth``), in the caller's transaction."""
    Invoice.objects.bulk_update(
        invoices,
        ["status", "paid_on", "delay_days", "late_days", "interest_cents", "indemnity_cents"],
        batch_size=1000,
    )
    delays.record_paid(organisation, invoices)


def statement_import(*, organisation, actor, data: bytes, filename: str = "") -> StatementResult:
    """Marks paid the invoices whose credit transfer the statement shows booked (debits
    only), with the delay's interest and indemnity; importing the same file again changes
    nothing. Raises ``camt.StatementError`` for a file that cannot be read."""
    statement = read_statement(data)
    debits = [t for t in statement.transactions if t.direction == "debit"]
    conf = settings_for(organisation)
    result = StatementResult()
    today = timezone.localdate()
    with transaction.atomic():
        found = _candidates(organisation, debits)
        for booked in debits:
            matched = _match(booked, found, today)
            if isinstance(matched, str):
                result.unmatched.append(matched)
                continue
            for invoice in matched:
                if invoice.status == Status.PAID:
                    result.already_paid += 1
                elif invoice.status == Status.IN_PAYMENT:
                    mark_paid(
                        invoice,
                        booked.booking_date or booked.value_date or timezone.localdate(),
                        conf,
                    )
                    result.paid.append(invoice)
        save_paid(organisation, result.paid)
        audit.record(
            action="bank_statement.imported",
            organisation=organisation,
            actor=actor,
            object_repr=f"{statement.kind} {statement.message_id}"[:300],
            changes={
                "file": filename[:200],
                "paid": len(result.paid),
                "already_paid": result.already_paid,
                "unmatched": len(result.unmatched),
            },
        )
    return result
