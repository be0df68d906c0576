"""Rent's part of ``seed_demo``: twelve months of rent calls and payments, arrears for a
realistic share of tenants, the cash payers, a few unmatched payments and payment plans.

Set-based at every scale (region: ~196,000 leases, ~2.3 M calls): each month's calls are the
rent run's own ``INSERT … SELECT`` (``run.insert_sql``), payments one ``INSERT … SELECT`` from
the calls, allocations and paid amounts one statement each. Who does what follows the lease id
(deterministic, no Python loop over leases):
- ``id % 100 < 12``: in arrears (DOMAIN.md §3 gives 18.5 % in 2014 for all debts, most small):
  the last 1 to 4 months unpaid;
- ``12 ≤ id % 100 < 19``: cash payers (7 %, the 2020 figure), who stopped paying when offices
  closed two months ago (still unpaid);
- ``19 ≤ id % 100 < 60``: direct debit; the others transfers.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from relais.core.models import Organisation
from relais.housing.models import Lease

from .models import (
    BankStatement,
    CollectionStep,
    Instalment,
    Mandate,
    Method,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    RentCall,
    RentRun,
    RentSettings,
    RentTerms,
    StepKind,
    StepStatus,
)
from .rules import add_months
from .run import _params, insert_sql

MONTHS = 12
UNMATCHED = 15  # per landlord


def _date_plus(column: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"({column} + {days})"
    return f"date({column}, '+{days} days')"


def _seed_calls(execute, organisation_id: int, months: list[dt.date]) -> None:
    sql = insert_sql(connection.vendor)
    for month in months:
        execute(sql, _params(organisation_id, month))


def _seed_payments(execute, organisation_id: int, months: list[dt.date], now) -> None:
    """One payment per call paid: arrears leave their last (1 + id % 4) months unpaid, cash
    payers their last two."""
    last = months[-1]
    unpaid_from = {
        1: add_months(last, -0),
        2: add_months(last, -1),
        3: add_months(last, -2),
        4: add_months(last, -3),
    }
    method = (
        f"CASE WHEN c.lease_id %% 100 BETWEEN 12 AND 18 THEN '{Method.CASH}' "
        f"WHEN c.lease_id %% 100 BETWEEN 19 AND 59 THEN '{Method.DIRECT_DEBIT}' "
        f"ELSE '{Method.TRANSFER}' END"
    )
    unpaid = (
        "((c.lease_id %% 100 < 12 AND ("
        + " OR ".join(f"(c.lease_id %% 4 = {k - 1} AND c.month >= %(u{k})s)" for k in unpaid_from)
        + ")) OR (c.lease_id %% 100 BETWEEN 12 AND 18 AND c.month >= %(cash)s))"
    )
    params = {f"u{k}": v for k, v in unpaid_from.items()}
    params.update({"org": organisation_id, "cash": add_months(last, -1), "now": now})
    execute(
        f"""INSERT INTO rent_payment (organisation_id, lease_id, amount_cents, received_on,
            method, reference, payer, created_at)
        SELECT c.organisation_id, c.lease_id, c.amount_cents, {_date_plus("c.month", 4)},
            {method}, l.reference, '', %(now)s
        FROM rent_rentcall c JOIN housing_lease l ON l.id = c.lease_id
        WHERE c.organisation_id = %(org)s AND c.amount_cents > 0 AND NOT {unpaid}""",
        params,
    )
    execute(
        f"""INSERT INTO rent_paymentallocation (payment_id, call_id, amount_cents)
        SELECT p.id, c.id, c.amount_cents FROM rent_payment p
        JOIN rent_rentcall c ON c.lease_id = p.lease_id
            AND p.received_on = {_date_plus("c.month", 4)}
        WHERE p.organisation_id = %s AND p.statement_id IS NULL""",
        [organisation_id],
    )
    if connection.vendor == "postgresql":
        # Tables just filled: without statistics the planner nested-loops this UPDATE for
        # minutes.
        execute("ANALYZE rent_rentcall, rent_payment, rent_paymentallocation")
    execute(
        """UPDATE rent_rentcall SET paid_cents = amount_cents WHERE organisation_id = %s
        AND id IN (SELECT call_id FROM rent_paymentallocation a
                   JOIN rent_payment p ON p.id = a.payment_id WHERE p.organisation_id = %s)""",
        [organisation_id, organisation_id],
    )


def _seed_follow_up(organisation_id: int, today: dt.date, now) -> dict:
    """Reminders done for the leases with 2+ months unpaid, calls to do for the deepest, a
    payment plan (one instalment missed) for a few, and unmatched payments."""
    debtors = list(
        Lease.objects.filter(organisation_id=organisation_id, end_date__isnull=True)
        .extra(where=["id %% 100 < 12", "id %% 4 >= 1"])
        .order_by("pk")
        .values_list("pk", "rent_cents")
    )
    steps, plans = [], []
    for index, (lease_id, rent) in enumerate(debtors):
        steps.append(
            CollectionStep(
                organisation_id=organisation_id,
                lease_id=lease_id,
                kind=StepKind.REMINDER,
                status=StepStatus.DONE,
                created_on=today - dt.timedelta(days=35),
                automatic=True,
                balance_cents=rent * 2,
            )
        )
        if lease_id % 4 == 3:
            steps.append(
                CollectionStep(
                    organisation_id=organisation_id,
                    lease_id=lease_id,
                    kind=StepKind.CALL,
                    created_on=today - dt.timedelta(days=3),
                    automatic=True,
                    balance_cents=rent * 4,
                )
            )
        if index % 25 == 0:
            plans.append(
                PaymentPlan(
                    organisation_id=organisation_id,
                    lease_id=lease_id,
                    created_on=add_months(today, -2),
                    debt_cents=rent * 2,
                )
            )
    CollectionStep.objects.bulk_create(steps, batch_size=2000)
    PaymentPlan.objects.bulk_create(plans, batch_size=2000)
    Instalment.objects.bulk_create(
        [
            Instalment(
                plan=plan,
                due_on=add_months(plan.created_on, k + 1),
                amount_cents=plan.debt_cents // 4,
                missed_followed_up=k == 0,
            )
            for plan in plans
            for k in range(4)
        ],
        batch_size=2000,
    )
    _seed_unmatched(organisation_id, today)
    return {"collection steps": len(steps), "payment plans": len(plans)}


def _seed_unmatched(organisation_id: int, today: dt.date) -> None:
    """Transfers whose text names no lease: the accountant's unmatched queue."""
    Payment.objects.bulk_create(
        Payment(
            organisation_id=organisation_id,
            amount_cents=30000 + 1750 * i,
            received_on=today - dt.timedelta(days=i % 9),
            method=Method.TRANSFER,
            reference=f"VIR LOYER {['NOVEMBRE', 'DECEMBRE'][i % 2]}",
            payer=f"M. OU MME {['MARTIN', 'BERNARD', 'PETIT', 'DURAND', 'LEROY'][i % 5]}",
        )
        for i in range(UNMATCHED)
    )


def creditor_identifier(national: str) -> str:
    """A French SEPA creditor identifier (ICS) ``FRkkZZZ<national>``: ``kk`` is ISO 7064
    MOD 97-10 over the national part then « FR00 » (letters as 10–35; the « ZZZ » business
    code is left out of the check, EPC262-08)."""
    digits = "".join(str(int(c, 36)) for c in f"{national}FR00")
    return f"FR{98 - int(digits) % 97:02d}ZZZ{national}"


def _seed_settings(organisation_id: int) -> None:
    """The SEPA creditor, so that mandate forms and direct-debit files can be printed."""
    name = Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).get()
    RentSettings.objects.update_or_create(
        organisation_id=organisation_id,
        defaults={
            "creditor_name": name[:70],
            "creditor_id": creditor_identifier(f"{organisation_id % 1_000_000:06d}"),
        },
    )


class RentDemo:
    name = "rent"

    def seed(self, *, organisation_ids, scale, seed, writer):
        """Calls and payments through ``writer.execute`` (the seed bench replays them)."""
        now = timezone.now()
        today = timezone.localdate()
        first = today.replace(day=1)
        months = [add_months(first, -k) for k in range(MONTHS - 1, -1, -1)]
        counts = {}
        for organisation_id in organisation_ids:
            _seed_settings(organisation_id)
            _seed_calls(writer.execute, organisation_id, months)
            _seed_payments(writer.execute, organisation_id, months, now)
            extra = _seed_follow_up(organisation_id, today, now)
            counts[organisation_id] = {
                "rent calls": RentCall.objects.filter(organisation_id=organisation_id).count(),
                "payments": Payment.objects.filter(organisation_id=organisation_id).count(),
                **extra,
            }
        return counts

    def reset(self, organisation_ids):
        PaymentAllocation.objects.filter(payment__organisation_id__in=organisation_ids).delete()
        for model in (
            Payment,
            BankStatement,
            Instalment,
            PaymentPlan,
            CollectionStep,
            RentCall,
            RentRun,
            RentTerms,
        ):
            if model is Instalment:
                model.objects.filter(plan__organisation_id__in=organisation_ids).delete()
            else:
                model.objects.filter(organisation_id__in=organisation_ids).delete()
        Mandate.objects.filter(organisation_id__in=organisation_ids).delete()
        RentSettings.objects.filter(organisation_id__in=organisation_ids).delete()
