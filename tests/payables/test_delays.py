"""The dashboard's payment delays, read from the monthly summary per supplier, are exactly the
live aggregate over the invoices after every write that can change them (ADR 0042 §13); its
amounts by status, read by three range reads, are the conditional sums they replaced."""

import datetime as dt

import pytest
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from relais.payables import approvals, delays, payments, selectors, services
from relais.payables.models import Invoice, Status, Supplier, SupplierPaidMonth

from . import einvoices
from .test_payments import TODAY, _approved

pytestmark = pytest.mark.usefixtures("in_english")

# A first of month, the middle of a month, the day after a payment, before everything.
STARTS = (
    dt.date(2026, 11, 1),
    dt.date(2026, 10, 15),
    dt.date(2026, 11, 21),
    dt.date(2025, 12, 1),
    dt.date(2025, 12, 2),
)


def live_by_supplier(organisation, since):
    """The aggregate the dashboard ran before the summary, over every paid invoice."""
    rows = (
        Invoice.objects.filter(organisation=organisation, status=Status.PAID, paid_on__gte=since)
        .values("supplier_id", "supplier__name", "supplier__small_business")
        .annotate(
            paid=Count("id"),
            late=Count("id", filter=Q(late_days__gt=0)),
            days_total=Sum("delay_days"),
            interest_cents=Sum(F("interest_cents") + F("indemnity_cents")),
        )
        .order_by("-late", "supplier__name", "supplier_id")
    )
    return [_with_mean(row) for row in rows]


def live_overall(organisation, since):
    row = Invoice.objects.filter(
        organisation=organisation, status=Status.PAID, paid_on__gte=since
    ).aggregate(
        paid=Count("id"),
        late=Count("id", filter=Q(late_days__gt=0)),
        days_total=Sum("delay_days"),
        interest_cents=Coalesce(Sum(F("interest_cents") + F("indemnity_cents")), 0),
    )
    return _with_mean(row)


def _with_mean(row):
    row = dict(row)
    total = row.pop("days_total") or 0
    row["mean_days"] = round(total / row["paid"], 1) if row["paid"] else None
    return row


def assert_summary_is_live(organisation):
    for since in STARTS:
        assert selectors.payment_delay_by_supplier(organisation, since) == live_by_supplier(
            organisation, since
        ), since
        assert selectors.payment_delay_overall(organisation, since) == live_overall(
            organisation, since
        ), since


@pytest.fixture
def other_supplier(landlord):
    return Supplier.objects.create(
        organisation=landlord,
        name="Grand Groupe BTP",
        siren="732829320",
        iban="FR7630006000010001234567846",
    )


def _run(landlord, people):
    return payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=TODAY,
        due_by=TODAY + dt.timedelta(days=60),
    )


def _import(landlord, people, invoices, booked_on):
    statement = einvoices.camt054(
        [(f"RLS{invoice.pk}", invoice.gross_cents) for invoice in invoices], booked_on=booked_on
    )
    return payments.statement_import(
        organisation=landlord, actor=people["accountant"], data=statement
    )


def test_the_summary_equals_the_live_aggregate_after_each_write(
    landlord, people, supplier, other_supplier
):
    # Intake: invoices received, one held (no such work order), none paid yet.
    late = _approved(landlord, people, supplier, "P-1", 1_200_000, received_on=dt.date(2026, 9, 1))
    early = _approved(landlord, people, other_supplier, "G-1", 300_000, received_on=TODAY)
    on_time = _approved(
        landlord, people, other_supplier, "G-2", 60_000, received_on=dt.date(2026, 10, 20)
    )
    held, refused = (
        services.invoice_create(
            organisation=landlord,
            actor=people["accountant"],
            data=services.NewInvoice(
                supplier=supplier,
                number=number,
                source="keyed",
                issue_date=TODAY,
                received_on=TODAY,
                net_cents=10_000,
                vat_cents=2_000,
                gross_cents=12_000,
                order_reference=reference,
            ),
        )
        for number, reference in (("P-2", "BC-999999"), ("P-3", ""))
    )
    assert (held.status, refused.status) == (Status.HELD, Status.PENDING)
    assert_summary_is_live(landlord)
    # Cancellation: an invoice rejected (it will never be paid).
    approvals.invoice_reject(
        organisation=landlord, actor=people["technician"], invoice=refused, reason="Doublon."
    )
    assert_summary_is_live(landlord)
    # Payment run: in payment is not paid.
    _run(landlord, people)
    assert_summary_is_live(landlord)
    assert not SupplierPaidMonth.objects.exists()
    # The bank's statements: October (one), then November (two, one late), then again.
    _import(landlord, people, [on_time], dt.date(2026, 10, 31))
    assert_summary_is_live(landlord)
    result = _import(landlord, people, [late, early], dt.date(2026, 11, 20))
    assert len(result.paid) == 2
    assert_summary_is_live(landlord)
    again = _import(landlord, people, [late, early, on_time], dt.date(2026, 11, 20))
    assert (len(again.paid), again.already_paid) == (0, 3)
    assert_summary_is_live(landlord)
    # The figures themselves: the late invoice (due 1 Oct, paid 20 Nov) counts as late.
    rows = selectors.payment_delay_by_supplier(landlord, dt.date(2026, 10, 15))
    assert [(r["supplier__name"], r["paid"], r["late"]) for r in rows] == [
        ("Plomberie Martin", 1, 1),
        ("Grand Groupe BTP", 2, 0),
    ]
    assert rows[0]["mean_days"] == 80.0  # received 1 Sept, paid 20 Nov
    assert rows[0]["interest_cents"] > 4_000  # the 40 € indemnity and the interest
    summary = SupplierPaidMonth.objects.order_by("month", "supplier__name")
    assert [(row.month, row.supplier_id, row.paid) for row in summary] == [
        (dt.date(2026, 10, 1), other_supplier.pk, 1),
        (dt.date(2026, 11, 1), other_supplier.pk, 1),
        (dt.date(2026, 11, 1), supplier.pk, 1),
    ]


def test_rebuild_gives_the_rows_the_services_kept(landlord, people, supplier, other_supplier):
    first = _approved(landlord, people, supplier, "P-1", 120_000, received_on=dt.date(2026, 9, 1))
    second = _approved(landlord, people, other_supplier, "G-1", 300_000)
    _run(landlord, people)
    _import(landlord, people, [first], dt.date(2026, 10, 31))
    _import(landlord, people, [second], dt.date(2026, 11, 2))
    columns = ("supplier_id", "month", "paid", "late", "days_total", "owed_cents")
    kept = sorted(SupplierPaidMonth.objects.values_list(*columns))
    assert delays.rebuild(landlord.pk) == 2
    assert sorted(SupplierPaidMonth.objects.values_list(*columns)) == kept


def test_the_window_starts_within_a_month():
    assert delays.whole_months_from(dt.date(2026, 11, 1)) == dt.date(2026, 11, 1)
    assert delays.whole_months_from(dt.date(2026, 11, 2)) == dt.date(2026, 12, 1)
    assert delays.whole_months_from(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)
    assert delays.whole_months_from(dt.date(2025, 2, 28)) == dt.date(2025, 3, 1)


def test_amounts_by_status_are_the_conditional_sums_over_unpaid_invoices(
    landlord, people, supplier
):
    """The three range reads give what one query of conditional sums gave."""
    week = TODAY + dt.timedelta(days=7)
    rows = (
        ("held", TODAY - dt.timedelta(days=3)),
        ("pending", TODAY),
        ("pending", week),
        ("pending", week + dt.timedelta(days=1)),
        ("approved", TODAY - dt.timedelta(days=40)),
        ("in_payment", TODAY + dt.timedelta(days=2)),
        ("paid", TODAY - dt.timedelta(days=1)),
        ("rejected", TODAY + dt.timedelta(days=1)),
    )
    for n, (status, due_on) in enumerate(rows):
        invoice = _approved(landlord, people, supplier, f"S-{n}", 12_000 * (n + 1))
        Invoice.objects.filter(pk=invoice.pk).update(status=status, due_on=due_on)
    unpaid = Q(status__in=selectors.UNPAID)
    conditions = {
        "held": Q(status="held"),
        "pending": Q(status="pending"),
        "approved": Q(status="approved"),
        "due_week": unpaid & Q(due_on__gte=TODAY, due_on__lte=week),
        "overdue": unpaid & Q(due_on__lt=TODAY),
    }
    aggregates = {}
    for name, condition in conditions.items():
        aggregates[f"{name}_count"] = Count("id", filter=condition)
        aggregates[f"{name}_cents"] = Coalesce(Sum("gross_cents", filter=condition), 0)
    expected = Invoice.objects.filter(organisation=landlord).aggregate(**aggregates)
    assert selectors.amounts_by_status(landlord, TODAY) == expected
    assert (expected["pending_count"], expected["due_week_count"], expected["overdue_count"]) == (
        3,
        3,  # pending today and in 7 days, in payment in 2 days; not the rejected one
        2,
    )
