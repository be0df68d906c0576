"""Reads of the rent pages: a lease's ledger, the queues, the dashboard's aggregates."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Sum

from relais.core.models import Agency
from relais.housing.models import Lease, Occupant

from . import rules
from .models import (
    CollectionStep,
    Instalment,
    Method,
    Payment,
    PaymentPlan,
    PlanStatus,
    RentCall,
    StepStatus,
)

# Numbers in E.164 that take text messages (mainland and overseas mobiles), as the outbox's
# broadcasts count them (relais.messaging.recipients).
MOBILE_PREFIXES = ("+336", "+337", "+26269", "+262639", "+59069", "+59469", "+59669")


@dataclass
class LedgerLine:
    """One line of a tenant's account: a call (debit) or a payment (credit), in cents."""

    day: dt.date
    label: str
    debit_cents: int
    credit_cents: int
    balance_cents: int
    call: RentCall | None = None
    payment: Payment | None = None


def ledger(lease) -> list[LedgerLine]:
    """Calls and payments of ``lease`` by date with the running balance (two queries)."""
    entries = [(c.month, 0, c.pk, c) for c in RentCall.objects.filter(lease=lease)]
    entries += [(p.received_on, 1, p.pk, p) for p in Payment.objects.filter(lease=lease)]
    entries.sort(key=lambda e: e[:3])
    balance, lines = 0, []
    for day, kind, _pk, row in entries:
        if kind == 0:
            balance += row.amount_cents
            lines.append(LedgerLine(day, "", row.amount_cents, 0, balance, call=row))
        else:
            balance -= row.amount_cents
            lines.append(LedgerLine(day, "", 0, row.amount_cents, balance, payment=row))
    return lines


def unmatched(organisation):
    return (
        Payment.objects.for_organisation(organisation)
        .filter(lease__isnull=True)
        .order_by("received_on", "pk")
    )


def steps_to_do(organisation):
    return (
        CollectionStep.objects.for_organisation(organisation)
        .filter(status=StepStatus.TODO)
        .select_related("lease__household")
        .order_by("created_on", "pk")
    )


def plans_with_missed(organisation):
    """Running plans with an instalment followed up as missed (one query)."""
    missed = Instalment.objects.filter(plan=OuterRef("pk"), missed_followed_up=True)
    return (
        PaymentPlan.objects.for_organisation(organisation)
        .filter(status=PlanStatus.ACTIVE)
        .filter(Exists(missed))
        .select_related("lease__household")
        .order_by("created_on", "pk")
    )


def cash_payers(organisation, since: dt.date):
    """Leases that paid in cash since ``since`` (the 2020 desk payers to offer other
    channels), with their household."""
    cash = Payment.objects.filter(lease=OuterRef("pk"), method=Method.CASH, received_on__gte=since)
    return (
        Lease.objects.for_organisation(organisation)
        .filter(end_date__isnull=True)
        .filter(Exists(cash))
        .select_related("household")
        .order_by("reference")
    )


def without_e_channel(leases):
    """``leases`` whose holders have neither an e-mail address nor a mobile number: the
    households the outbox cannot reach, to whom a letter goes (with the mandate form)."""
    mobile = Q()
    for prefix in MOBILE_PREFIXES:
        mobile |= Q(phone__startswith=prefix)
    reachable = Occupant.objects.filter(
        Q(household_id=OuterRef("household_id"), is_holder=True) & (~Q(email="") | mobile)
    )
    return leases.exclude(Exists(reachable))


def collection_by_month(organisation, months: int, today: dt.date) -> list[dict]:
    """Collection rate per month and agency over the last ``months`` months: [{"month",
    "agency", "due_cents", "paid_cents"}] (one grouped query)."""
    since = rules.add_months(today.replace(day=1), -(months - 1))
    sql = """
        SELECT c.month, r.agency_id, SUM(c.amount_cents), SUM(c.paid_cents)
        FROM rent_rentcall c
        JOIN housing_lease l ON l.id = c.lease_id
        JOIN housing_dwelling d ON d.id = l.dwelling_id
        JOIN housing_building b ON b.id = d.building_id
        JOIN housing_residence r ON r.id = b.residence_id
        WHERE c.organisation_id = %s AND c.month >= %s
        GROUP BY c.month, r.agency_id ORDER BY c.month
    """
    names = dict(Agency.objects.for_organisation(organisation).values_list("pk", "name"))
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, since])
        rows = cursor.fetchall()
    return [
        {
            "month": month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month)),
            "agency": names.get(agency, ""),
            "due_cents": due or 0,
            "paid_cents": paid or 0,
        }
        for month, agency, due, paid in rows
    ]


def arrears_by_age(organisation, today: dt.date) -> dict[str, dict]:
    """Debts grouped by the age of their oldest open call: {band: {"leases", "cents"}}."""
    sql = """
        SELECT lease_id, MIN(month), SUM(amount_cents - paid_cents)
        FROM rent_rentcall WHERE organisation_id = %s AND paid_cents < amount_cents
        GROUP BY lease_id
    """
    bands = {band: {"leases": 0, "cents": 0} for band in rules.AGE_BANDS}
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk])
        for _lease, oldest, cents in cursor:
            if not isinstance(oldest, dt.date):
                oldest = dt.date.fromisoformat(str(oldest))
            band = bands[rules.age_band(oldest, today)]
            band["leases"] += 1
            band["cents"] += cents
    return bands


def rate_table(rows: list[dict]) -> list[dict]:
    """Per month: the whole organisation's rate and each agency's (for the table and chart)."""
    months = defaultdict(lambda: {"due": 0, "paid": 0, "agencies": []})
    for row in rows:
        entry = months[row["month"]]
        entry["due"] += row["due_cents"]
        entry["paid"] += row["paid_cents"]
        entry["agencies"].append(row)
    return [
        {
            "month": month,
            "due_cents": e["due"],
            "paid_cents": e["paid"],
            "rate": e["paid"] / e["due"] if e["due"] else None,
            "agencies": e["agencies"],
        }
        for month, e in sorted(months.items())
    ]


def households_overdue(organisation, threshold_cents: int, today: dt.date):
    """Ids of the households whose overdue rent (calls past their due day, less what
    payments cover) is above ``threshold_cents``: a sub-query for the "tenants in arrears"
    broadcast segment."""
    return (
        RentCall.objects.for_organisation(organisation)
        .filter(month__lt=rules.overdue_before(today), paid_cents__lt=F("amount_cents"))
        .order_by()
        .values("lease__household_id")
        .annotate(overdue=Sum(F("amount_cents") - F("paid_cents")))
        .filter(overdue__gt=threshold_cents)
        .values("lease__household_id")
    )
