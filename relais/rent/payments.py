"""Payments: manual entry, bank statements (camt.053/054 through ``relais.core.bank.camt``, or
CSV), matching by reference with an unmatched queue, allocation to the oldest debt.

Allocation is derived: ``lease_reallocate`` rebuilds a lease's allocations first in, first out
(payments by date against calls by month), so a payment matched late, or a call issued after a
credit, always ends on the oldest open call.
"""

import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.bank.camt import StatementError, read_statement
from relais.housing.io import cells
from relais.housing.io.errors import FileError
from relais.housing.io.readers import read_csv
from relais.housing.models import Lease

from .models import BankStatement, Mandate, Method, Payment, PaymentAllocation, RentCall

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{2,29}")
MONTH_SUFFIX = re.compile(r"-\d{6}$")


def lease_reallocate(lease_id: int) -> None:
    """Rebuild the allocations of one lease's payments to its calls, oldest first."""
    calls = list(RentCall.objects.filter(lease_id=lease_id).order_by("month", "pk"))
    payments = list(Payment.objects.filter(lease_id=lease_id).order_by("received_on", "pk"))
    PaymentAllocation.objects.filter(payment__lease_id=lease_id).delete()
    allocations, index = [], 0
    for call in calls:
        call.paid_cents = 0
    for payment in payments:
        left = payment.amount_cents
        while left and index < len(calls):
            call = calls[index]
            take = min(left, call.amount_cents - call.paid_cents)
            if take > 0:
                allocations.append(PaymentAllocation(payment=payment, call=call, amount_cents=take))
                call.paid_cents += take
                left -= take
            if call.paid_cents >= call.amount_cents:
                index += 1
    PaymentAllocation.objects.bulk_create(allocations)
    RentCall.objects.bulk_update(calls, ["paid_cents"])


def leases_with_credit(organisation_id: int) -> list[int]:
    """Leases with a payment not wholly allocated (a credit waiting for a new call): one
    grouped query."""
    sql = """
        SELECT DISTINCT p.lease_id FROM rent_payment p
        LEFT JOIN (SELECT payment_id, SUM(amount_cents) AS allocated
                   FROM rent_paymentallocation GROUP BY payment_id) a ON a.payment_id = p.id
        WHERE p.organisation_id = %s AND p.lease_id IS NOT NULL
          AND p.amount_cents > COALESCE(a.allocated, 0)
        ORDER BY p.lease_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation_id])
        return [row[0] for row in cursor.fetchall()]


def payment_record(*, organisation, actor, lease, amount_cents, received_on, method, reference=""):
    """A payment entered by hand (cash at a desk, cheque) on a known lease."""
    if lease.organisation_id != organisation.pk:
        raise ValidationError({"lease": _("This lease is not yours.")})
    if amount_cents <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    with transaction.atomic():
        payment = Payment.objects.create(
            organisation=organisation,
            lease=lease,
            amount_cents=amount_cents,
            received_on=received_on,
            method=method,
            reference=reference,
        )
        lease_reallocate(lease.pk)
        audit.record(
            organisation=organisation,
            actor=actor,
            action="payment.recorded",
            obj=payment,
            changes={"amount_cents": amount_cents, "lease": lease.reference},
        )
    return payment


def payment_match(*, organisation, actor, payment: Payment, lease: Lease) -> Payment:
    """Attach an unmatched payment to ``lease`` by hand (the unmatched queue)."""
    if lease.organisation_id != organisation.pk or payment.organisation_id != organisation.pk:
        raise ValidationError({"lease": _("This lease is not yours.")})
    with transaction.atomic():
        updated = Payment.objects.filter(pk=payment.pk, lease__isnull=True).update(lease=lease)
        if not updated:
            raise ValidationError({"lease": _("This payment is already matched.")})
        lease_reallocate(lease.pk)
        audit.record(
            organisation=organisation,
            actor=actor,
            action="payment.matched",
            obj=payment,
            changes={"lease": lease.reference},
        )
    payment.lease = lease
    return payment


@dataclass
class Line:
    """One credit of a statement: amount in cents, date, text to match, payer, mandate."""

    amount_cents: int
    received_on: object
    reference: str
    payer: str
    mandate_id: str = ""
    method: str = Method.TRANSFER


def _csv_lines(data: bytes) -> list[Line]:
    """CSV columns (header names, French or English): date; montant|amount;
    libellé|libelle|reference; émetteur|emetteur|payer (optional). Debits (≤ 0) are skipped."""
    table = read_csv(data)
    names = {
        "date": ("date",),
        "amount": ("montant", "amount"),
        "reference": ("libellé", "libelle", "reference", "référence"),
        "payer": ("émetteur", "emetteur", "payer"),
    }
    where = {}
    for key, options in names.items():
        where[key] = next((table.header.index(o) for o in options if o in table.header), None)
    for key in ("date", "amount", "reference"):
        if where[key] is None:
            raise FileError(_("The column “%(column)s” is missing.") % {"column": names[key][0]})
    lines = []
    columns = (table.header[where["date"]], table.header[where["amount"]])
    for number, row in table.rows:
        line = _csv_line(number, [_cell(row, where[key]) for key in names], columns)
        if line is not None:
            lines.append(line)
    return lines


def _cell(row: list, index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    return str(row[index]).strip()


def _csv_line(number: int, values: list[str], columns: tuple[str, str]) -> Line | None:
    """One CSV row (date, amount, reference, payer) → a credit line; None for a debit.
    ``columns``: the file's names of the date and amount columns, named by the errors."""
    day, amount, reference, payer = values
    if amount.startswith("-"):
        return None
    column = columns[1]
    try:
        cents = cells.money(amount)
        column = columns[0]
        received = cells.date(day)
    except cells.CellError as exc:
        raise FileError(
            _("Row %(row)d, %(field)s: %(error)s")
            % {"row": number, "field": column, "error": exc.message}
        ) from exc
    return Line(cents, received, reference[:300], payer[:140]) if cents else None


def _camt_lines(data: bytes) -> list[Line]:
    statement = read_statement(data)
    return [
        Line(
            t.amount_cents,
            t.booking_date or t.value_date,
            " ".join(filter(None, [t.remittance, t.end_to_end_id]))[:300],
            t.counterparty_name[:140],
            t.mandate_id,
            Method.DIRECT_DEBIT if t.mandate_id else Method.TRANSFER,
        )
        for t in statement.transactions
        if t.direction == "credit"
    ]


def _tokens(text: str) -> set[str]:
    found = set()
    for token in TOKEN.findall(text or ""):
        found.add(token.upper())
        found.add(MONTH_SUFFIX.sub("", token).upper())
    return found


def _match(organisation, lines: list[Line]) -> list[int | None]:
    """Each line's lease id, by its mandate or by a lease reference in its text (one query
    each); a text naming two leases stays unmatched."""
    mandates = dict(
        Mandate.objects.for_organisation(organisation)
        .filter(reference__in={line.mandate_id for line in lines if line.mandate_id})
        .values_list("reference", "lease_id")
    )
    tokens = set().union(*(_tokens(line.reference) for line in lines)) if lines else set()
    by_reference = {}
    if tokens:
        found = (
            Lease.objects.for_organisation(organisation)
            .annotate(upper_reference=Upper("reference"))
            .filter(upper_reference__in=tokens)
            .values_list("upper_reference", "id")
        )
        by_reference = dict(found)
    result = []
    for line in lines:
        if line.mandate_id in mandates:
            result.append(mandates[line.mandate_id])
            continue
        found = {by_reference[t] for t in _tokens(line.reference) if t in by_reference}
        result.append(found.pop() if len(found) == 1 else None)
    return result


def statement_import(*, organisation, actor, filename: str, data: bytes) -> BankStatement:
    """Import a bank file (camt.053/054 XML or CSV): one payment per credit, matched to its
    lease when its mandate or text names one, else left in the unmatched queue.
    Raises ``ValidationError`` (nothing written) for a file already imported or unreadable."""
    digest = hashlib.sha256(data).hexdigest()
    if BankStatement.objects.for_organisation(organisation).filter(digest=digest).exists():
        raise ValidationError({"file": _("This file has already been imported.")})
    is_xml = data.lstrip()[:5] in (b"<?xml", b"<Docu") or filename.lower().endswith(".xml")
    try:
        lines = _camt_lines(data) if is_xml else _csv_lines(data)
    except StatementError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    except FileError as exc:
        raise ValidationError({"file": exc.message}) from exc
    leases = _match(organisation, lines)
    with transaction.atomic():
        statement = BankStatement.objects.create(
            organisation=organisation,
            filename=filename[:255],
            kind="camt" if is_xml else "csv",
            digest=digest,
            lines=len(lines),
            matched=sum(1 for lease in leases if lease),
            imported_by=actor if actor is not None and actor.is_authenticated else None,
        )
        Payment.objects.bulk_create(
            Payment(
                organisation=organisation,
                lease_id=lease_id,
                amount_cents=line.amount_cents,
                received_on=line.received_on,
                method=line.method,
                reference=line.reference,
                payer=line.payer,
                statement=statement,
            )
            for line, lease_id in zip(lines, leases, strict=False)
        )
        for lease_id in sorted({lease for lease in leases if lease}):
            lease_reallocate(lease_id)
        audit.record(
            organisation=organisation,
            actor=actor,
            action="rent.bank_statement_imported",
            obj=statement,
            changes={"lines": statement.lines, "matched": statement.matched},
        )
    return statement
