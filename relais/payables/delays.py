"""Payment delays for the dashboard, read from a monthly summary per supplier.

The dashboard shows, over the invoices paid since a date (today − 365 days), per supplier and
overall: how many were paid, how many late, the mean days from receipt to payment and the
interest + indemnity owed for the delays (C. com. L441-10, CCP L2192-13). Aggregating every
paid invoice on each visit cost 240 ms p95 at 100,000 invoices (bench/payables.py); the
figures are summed instead from ``SupplierPaidMonth`` (one row per supplier and month of
payment, a few thousand rows at most): the whole months from the summary, the days of the
first, partial month from the invoices themselves (covering index ``invoice_paid_delays``),
so the figures are exactly the live aggregate's for any starting date (ADR 0042 §13).

Shapes: rows are dicts ``supplier_id, supplier__name, supplier__small_business, paid, late,
interest_cents, mean_days`` (days, one decimal; None when nothing was paid).
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from .models import Invoice, Status, Supplier, SupplierPaidMonth

SUMMARY = SupplierPaidMonth._meta.db_table
INVOICE = Invoice._meta.db_table
SUPPLIER = Supplier._meta.db_table

# Every paid invoice since a date, as (supplier, paid, late, days, owed) rows: the summary's
# whole months, then the invoices of the first, partial month one by one. The sums of bigints
# are cast back (PostgreSQL gives numeric, read as Decimal).
_ROWS = f"""
    SELECT supplier_id, paid, late, days_total, owed_cents FROM {SUMMARY}
    WHERE organisation_id = %s AND month >= %s
    UNION ALL
    SELECT supplier_id, 1, CASE WHEN late_days > 0 THEN 1 ELSE 0 END, delay_days,
           interest_cents + indemnity_cents
    FROM {INVOICE}
    WHERE organisation_id = %s AND status = %s AND paid_on >= %s AND paid_on < %s
"""
_BY_SUPPLIER = f"""
    SELECT s.id, s.name, s.small_business, SUM(t.paid), SUM(t.late),
           CAST(SUM(t.days_total) AS BIGINT), CAST(SUM(t.owed_cents) AS BIGINT)
    FROM ({_ROWS}) t JOIN {SUPPLIER} s ON s.id = t.supplier_id
    GROUP BY s.id, s.name, s.small_business
    ORDER BY 5 DESC, s.name, s.id
    LIMIT %s
"""
_OVERALL = f"""
    SELECT COALESCE(SUM(t.paid), 0), COALESCE(SUM(t.late), 0),
           CAST(SUM(t.days_total) AS BIGINT), CAST(COALESCE(SUM(t.owed_cents), 0) AS BIGINT)
    FROM ({_ROWS}) t
"""
_UPSERT = f"""
    INSERT INTO {SUMMARY} (organisation_id, supplier_id, month, paid, late, days_total,
                           owed_cents)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (organisation_id, supplier_id, month) DO UPDATE SET
        paid = {SUMMARY}.paid + excluded.paid,
        late = {SUMMARY}.late + excluded.late,
        days_total = {SUMMARY}.days_total + excluded.days_total,
        owed_cents = {SUMMARY}.owed_cents + excluded.owed_cents
"""


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def whole_months_from(since: dt.date) -> dt.date:
    """The first day read from the summary (the days before it, from ``since``, are read from
    the invoices): ``since`` itself when it is a first of month, else the next first."""
    if since.day == 1:
        return since
    return (since.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _params(organisation, since: dt.date) -> list:
    boundary = whole_months_from(since)
    return [organisation.pk, boundary, organisation.pk, Status.PAID, since, boundary]


def _with_mean(paid: int, days_total) -> float | None:
    return round((days_total or 0) / paid, 1) if paid else None


def by_supplier(organisation, since: dt.date, limit: int = 50) -> list[dict]:
    """Per supplier, over invoices paid on or after ``since``: the most often late first,
    then by name (one query on the summary and the first month's invoices)."""
    with connection.cursor() as cursor:
        cursor.execute(_BY_SUPPLIER, [*_params(organisation, since), limit])
        rows = cursor.fetchall()
    return [
        {
            "supplier_id": supplier_id,
            "supplier__name": name,
            "supplier__small_business": bool(small),
            "paid": paid,
            "late": late,
            "interest_cents": owed,
            "mean_days": _with_mean(paid, days),
        }
        for supplier_id, name, small, paid, late, days, owed in rows
    ]


def overall(organisation, since: dt.date) -> dict:
    """The same figures over every supplier (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_OVERALL, _params(organisation, since))
        paid, late, days, owed = cursor.fetchone()
    return {"paid": paid, "late": late, "interest_cents": owed, "mean_days": _with_mean(paid, days)}


def record_paid(organisation, invoices) -> None:
    """Adds invoices just marked paid (``paid_on``, ``delay_days``, ``late_days``,
    ``interest_cents``, ``indemnity_cents`` set) to the summary, in the caller's transaction.
    Additions commute, so two imports paying different invoices at once both count."""
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for invoice in invoices:
        delta = deltas[(invoice.supplier_id, month_of(invoice.paid_on))]
        delta[0] += 1
        delta[1] += 1 if invoice.late_days > 0 else 0
        delta[2] += invoice.delay_days or 0
        delta[3] += invoice.interest_cents + invoice.indemnity_cents
    if not deltas:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            _UPSERT,
            [
                [organisation.pk, supplier_id, month, *delta]
                for (supplier_id, month), delta in sorted(deltas.items())
            ],
        )


def rebuild(organisation_id: int) -> int:
    """Recomputes the organisation's summary from its paid invoices (after invoices were
    bulk-created paid: demo seed, bench); returns the number of rows written."""
    grouped = (
        Invoice.objects.filter(organisation_id=organisation_id, status=Status.PAID)
        .annotate(month=TruncMonth("paid_on"))
        .values("supplier_id", "month")
        .annotate(
            paid=Count("id"),
            late=Count("id", filter=Q(late_days__gt=0)),
            days_total=Coalesce(Sum("delay_days"), 0),
            owed_cents=Coalesce(Sum(F("interest_cents") + F("indemnity_cents")), 0),
        )
        .order_by()
    )
    rows = [SupplierPaidMonth(organisation_id=organisation_id, **row) for row in grouped]
    with transaction.atomic():
        SupplierPaidMonth.objects.filter(organisation_id=organisation_id).delete()
        SupplierPaidMonth.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
