#!/usr/bin/env python
"""Benchmark of payables: the approver's queue and the dashboard's queries on 100,000
invoices, and a payment run of 5,000 invoices into one pain.001 file.

    .venv/bin/python bench/payables.py                      # SQLite (var/bench-payables.sqlite3)
    .venv/bin/python bench/payables.py --invoices 20000     # a smaller scale
    DATABASE_URL=postgres://… .venv/bin/python bench/payables.py

Runs on ``DATABASE_URL`` (a throwaway database!) or on a SQLite file of its own, migrated and
seeded with one landlord's invoices when it holds fewer than ``--invoices`` (bulk inserts:
about 60 % paid, 10 % approved, 20 % awaiting one of the three levels, the rest held or
rejected, over 500 suppliers). It times ``--runs`` times each query the approver's home card
and queue page and the dashboard run, through the selectors the pages call, and a
hand-written SQL query giving the same rows through a bare cursor, and prints the p95 of
both and their ratio. Then it approves ``--run-size`` more invoices and times one payment run
(claim, pain.001 built by sepaxml and validated against its XSD, stored), and puts them back.
Targets (issue 13 §5): queries p95 ≤ 200 ms, ratio ≤ 2; payment run of 5,000 ≤ 10 s.
"""

import argparse
import datetime as dt
import functools
import os
import random
import time

from region import ROOT, machine, ms, p95, setup_django

TARGET_P95_S = 0.200
TARGET_RATIO = 2.0
TARGET_RUN_S = 10.0
SQLITE_FILE = ROOT / "var" / "bench-payables.sqlite3"
LANDLORD = "Bench Habitat"


UNPAID = "status IN ('held','pending','approved','in_payment')"
# What the dashboard's amounts are: totals per status, then due this week and overdue.
AMOUNTS_SQL = (
    (
        "SELECT status, COUNT(id), SUM(gross_cents) FROM payables_invoice "
        "WHERE organisation_id = %s AND status IN ('held','pending','approved') GROUP BY status"
    ),
    (
        "SELECT COUNT(id), COALESCE(SUM(gross_cents), 0) FROM payables_invoice "
        f"WHERE organisation_id = %s AND {UNPAID} AND due_on >= %s AND due_on <= %s"
    ),
    (
        "SELECT COUNT(id), COALESCE(SUM(gross_cents), 0) FROM payables_invoice "
        f"WHERE organisation_id = %s AND {UNPAID} AND due_on < %s"
    ),
)


def _timed(call, runs: int) -> list[float]:
    call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def _sql(sql: str, params: list):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _people(organisation):
    from django.contrib.auth import get_user_model

    from relais.core.models import Membership

    users = {}
    for role in ("technician", "manager", "director", "accountant", "technician2"):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-pay-{role}", defaults={"first_name": role}
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role.rstrip("2")}
        )
        users[role] = user
    return users


def seed(total: int) -> tuple[object, dict]:
    """The landlord with ``total`` invoices (added to reach it), its people and a delegation
    from the manager to the second technician in force today."""
    from django.core.management import call_command

    from relais.core.models import Organisation
    from relais.payables import delays, rules
    from relais.payables.demo_extension import demo_iban
    from relais.payables.models import Delegation, Invoice, PayablesSettings, Supplier

    call_command("migrate", verbosity=0, interactive=False)
    organisation = Organisation.objects.filter(
        name=LANDLORD
    ).first() or Organisation.objects.create(name=LANDLORD, slug="bench-habitat")
    people = _people(organisation)
    PayablesSettings.objects.get_or_create(
        organisation=organisation,
        defaults={
            "regime": "public",
            "deadline_days": 30,
            "technician_limit_cents": 500_000,
            "manager_limit_cents": 5_000_000,
            "ecb_rate_bp": 215,
            "debtor_name": LANDLORD,
            "debtor_iban": demo_iban(99_999_999),
        },
    )
    today = dt.date.today()
    Delegation.objects.get_or_create(
        organisation=organisation,
        delegator=people["manager"],
        delegate=people["technician2"],
        defaults={
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=30),
            "created_by": people["manager"],
        },
    )
    if not Supplier.objects.filter(organisation=organisation).exists():
        Supplier.objects.bulk_create(
            Supplier(
                organisation=organisation,
                name=f"Entreprise {i:03d}",
                siren=f"{i:09d}",
                iban=demo_iban(i),
                small_business=i % 3 == 0,
            )
            for i in range(1, 501)
        )
    suppliers = list(Supplier.objects.filter(organisation=organisation))
    have = Invoice.objects.filter(organisation=organisation).count()
    rng = random.Random(have)
    batch = []
    for n in range(have, total):
        batch.append(_invoice(organisation, rng.choice(suppliers), n, rng, today, rules))
        if len(batch) == 5000:
            Invoice.objects.bulk_create(batch)
            batch = []
    Invoice.objects.bulk_create(batch)
    # The invoices were created paid in bulk: the dashboard's monthly summary is rebuilt.
    delays.rebuild(organisation.pk)
    return organisation, people


def _invoice(organisation, supplier, n, rng, today, rules):
    from relais.payables.models import Invoice

    gross = rng.choice((12_000, 96_000, 240_000, 720_000, 1_800_000, 7_200_000))
    vat = gross // 6
    received = today - dt.timedelta(days=rng.randint(0, 400))
    due = received + dt.timedelta(days=30)
    levels = rules.levels_for(gross, technician_limit_cents=500_000, manager_limit_cents=5_000_000)
    draw = rng.random()
    status, next_level, paid_on, late = "paid", "", None, 0
    if draw < 0.6 and received < today - dt.timedelta(days=20):
        paid_on = due + dt.timedelta(days=rng.choice((-8, -3, 0, 2, 10)))
        late = max(0, (paid_on - due).days)
    elif draw < 0.7:
        status = "approved"
    elif draw < 0.9:
        status, next_level = "pending", rng.choice(levels)
    elif draw < 0.95:
        status = "held"
    else:
        status = "rejected"
    return Invoice(
        organisation=organisation,
        supplier=supplier,
        number=f"B{n:07d}",
        source="facturx",
        issue_date=received,
        received_on=received,
        due_on=due,
        net_cents=gross - vat,
        vat_cents=vat,
        gross_cents=gross,
        status=status,
        next_level=next_level,
        levels=levels,
        paid_on=paid_on,
        delay_days=(paid_on - received).days if paid_on else None,
        late_days=late,
        interest_cents=late * 30,
        indemnity_cents=4000 if late else 0,
    )


def _queue_page(organisation, user, role, today):
    """What the queue page and the home card run (``relais.payables.queue``)."""
    from relais.payables import queue

    def run():
        held = queue.levels(organisation, user, role, today)
        return queue.page(organisation, held, limit=50)

    return run


def _amounts_sql(org: int, today, week):
    by_status, due_week, overdue = (
        _sql(sql, params)
        for sql, params in zip(AMOUNTS_SQL, ([org], [org, today, week], [org, today]), strict=True)
    )
    return lambda: (by_status(), due_week(), overdue())


def _queue_sql(org: int, levels: list[str], user_id: int, today):
    marks = ", ".join(["%s"] * len(levels))
    first = _sql(
        "SELECT i.id, i.number, i.gross_cents, i.due_on, s.name FROM payables_invoice i "
        "JOIN payables_supplier s ON s.id = i.supplier_id "
        f"WHERE i.organisation_id = %s AND i.status = 'pending' AND i.next_level IN ({marks}) "
        "ORDER BY i.due_on, i.id LIMIT 50",
        [org, *levels],
    )
    count = _sql(
        "SELECT COUNT(*) FROM payables_invoice WHERE organisation_id = %s "
        f"AND status = 'pending' AND next_level IN ({marks})",
        [org, *levels],
    )
    # What the page does first: the levels this person holds (role, delegations in force).
    held = _sql(
        "SELECT m.role FROM core_membership m WHERE m.organisation_id = %s AND m.is_active "
        "AND m.user_id IN (SELECT d.delegator_id FROM payables_delegation d "
        "WHERE d.organisation_id = %s AND d.delegate_id = %s AND d.starts_on <= %s "
        "AND d.ends_on >= %s AND d.revoked_at IS NULL)",
        [org, org, user_id, today, today],
    )
    return lambda: (held(), count(), first())


def cases(organisation, people):
    """(label, the page's query, the bare SQL)."""
    from relais.payables import selectors

    org = organisation.pk
    today = dt.date.today()
    since = today - dt.timedelta(days=365)
    week = today + dt.timedelta(days=7)
    queue_page = functools.partial(_queue_page, organisation, today=today)
    queue_sql = functools.partial(_queue_sql, org, today=today)
    manager, technician2 = people["manager"], people["technician2"]
    return [
        (
            "approver's queue (manager), count + first 50",
            queue_page(manager, "manager"),
            queue_sql(["manager"], user_id=manager.pk),
        ),
        (
            "approver's queue by delegation (technician + manager)",
            queue_page(technician2, "technician"),
            queue_sql(["technician", "manager"], user_id=technician2.pk),
        ),
        (
            "dashboard: waiting per level",
            lambda: selectors.waiting_per_level(organisation),
            _sql(
                "SELECT next_level, COUNT(id), COALESCE(SUM(gross_cents), 0) "
                "FROM payables_invoice WHERE organisation_id = %s AND status = 'pending' "
                "GROUP BY next_level",
                [org],
            ),
        ),
        (
            "dashboard: amounts by status, due this week, overdue",
            lambda: selectors.amounts_by_status(organisation, today),
            _amounts_sql(org, today, week),
        ),
        (
            "dashboard: payment delay per supplier (12 months)",
            lambda: selectors.payment_delay_by_supplier(organisation, since),
            _sql(
                "SELECT i.supplier_id, s.name, s.small_business, COUNT(i.id), "
                "SUM(CASE WHEN i.late_days > 0 THEN 1 ELSE 0 END) AS late, "
                "SUM(i.delay_days), SUM(i.interest_cents + i.indemnity_cents) "
                "FROM payables_invoice i "
                "JOIN payables_supplier s ON s.id = i.supplier_id "
                "WHERE i.organisation_id = %s AND i.status = 'paid' AND i.paid_on >= %s "
                "GROUP BY i.supplier_id, s.name, s.small_business "
                "ORDER BY late DESC, s.name, i.supplier_id LIMIT 50",
                [org, since],
            ),
        ),
    ]


def check_delays(organisation, bare) -> int:
    """The summary's payment delays are the bare SQL's over the invoices, row for row (the
    figure compares equal work); returns the number of rows."""
    from relais.payables import selectors

    since = dt.date.today() - dt.timedelta(days=365)
    ours = [
        (r["supplier_id"], r["supplier__name"], r["supplier__small_business"], r["paid"], r["late"])
        + (r["interest_cents"], r["mean_days"])
        for r in selectors.payment_delay_by_supplier(organisation, since)
    ]
    theirs = [
        (i, n, bool(small), p, late, owed, round(days / p, 1))
        for i, n, small, p, late, days, owed in bare()
    ]
    assert ours == theirs, "the summary differs from the invoices"
    return len(ours)


def payment_run(organisation, people, size: int) -> tuple[float, int]:
    """Approves ``size`` pending invoices due today, times the run paying them, then puts
    every invoice back as it was and deletes the run, so that the next bench run measures
    the same data (approved invoices of the seed the run took included)."""
    from relais.payables import payments
    from relais.payables.models import Invoice, PaymentRun, Status

    today = dt.date.today()
    pending = Invoice.objects.filter(organisation=organisation, status=Status.PENDING)
    before = list(pending.order_by("id").values_list("id", "next_level", "due_on")[:size])
    ids = [pk for pk, _level, _due in before]
    Invoice.objects.filter(pk__in=ids).update(status=Status.APPROVED, next_level="", due_on=today)
    start = time.perf_counter()
    run = payments.payment_run_create(
        organisation=organisation,
        actor=people["accountant"],
        execution_date=today,
        due_by=today,
        limit=size,
    )
    elapsed = time.perf_counter() - start
    assert payments.validate_pain001(run.xml.encode()) == []
    count = run.invoice_count
    Invoice.objects.filter(payment_run=run).update(
        status=Status.APPROVED, payment_run=None, end_to_end_id=""
    )
    Invoice.objects.bulk_update(
        [
            Invoice(pk=pk, status=Status.PENDING, next_level=level, due_on=due)
            for pk, level, due in before
        ],
        ["status", "next_level", "due_on"],
        batch_size=1000,
    )
    PaymentRun.objects.filter(pk=run.pk).delete()
    return elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--run-size", type=int, default=5_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    vendor = setup_django()
    start = time.perf_counter()
    organisation, people = seed(args.invoices)
    from relais.payables.models import Invoice

    total = Invoice.objects.filter(organisation=organisation).count()
    print(
        f"payables bench on {vendor}, {total:,} invoices "
        f"(seeded in {time.perf_counter() - start:.1f} s); {machine()}"
    )
    failed = False
    measured = cases(organisation, people)
    rows = check_delays(organisation, measured[-1][2])
    print(f"payment delay per supplier: summary equals the bare SQL over invoices ({rows} rows)")
    for label, page, bare in measured:
        ours, sql = p95(_timed(page, args.runs)), p95(_timed(bare, args.runs))
        ratio = ours / sql if sql else float("inf")
        ok = ours <= TARGET_P95_S and ratio <= TARGET_RATIO
        failed |= not ok
        print(
            f"{label}: p95 {ms(ours)} (target ≤ {ms(TARGET_P95_S)}), bare SQL {ms(sql)}, "
            f"ratio {ratio:.2f} (target ≤ {TARGET_RATIO}) {'OK' if ok else 'MISSED'}"
        )
    elapsed, count = payment_run(organisation, people, args.run_size)
    ok = elapsed <= TARGET_RUN_S
    failed |= not ok
    print(
        f"payment run of {count:,} invoices into one pain.001 (XSD-validated): "
        f"{elapsed:.2f} s (target ≤ {TARGET_RUN_S:.0f} s) {'OK' if ok else 'MISSED'}"
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
