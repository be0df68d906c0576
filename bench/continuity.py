#!/usr/bin/env python
"""Benchmark of continuity's reads: staff coverage of a day and the situation report.

    .venv/bin/python bench/continuity.py                   # SQLite, var/bench-continuity-*
    .venv/bin/python bench/continuity.py --staff 1000 --days 30   # a smaller scale
    DATABASE_URL=postgres://… .venv/bin/python bench/continuity.py

Seeds, once, ``--staff`` people (5,000) over ``--organisations`` landlords (35), each landlord
with the plan template adopted and ``--days`` (90) days of declarations for everyone; then,
for one landlord, times ``--runs`` times each read through the selectors the pages, the home
cards and the report call, and a hand-written SQL query giving the same figures through a bare
cursor, and prints the p95 of both and their ratio (each sample the mean of a batch of calls
lasting ~20 ms, the two taking turns batch by batch: ADR 0037); finally the whole report's
figures and its PDF. Targets (issue 14 §5): every query p95 ≤ 200 ms, ratio to the bare SQL
≤ 2, PDF ≤ 2 s.
"""

import argparse
import datetime as dt
import os
import random
import time
from pathlib import Path

from region import BENCH_AUDIT_KEY, batch_size, machine, ms, p95, paired, production_env

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = ROOT / "var" / "bench-continuity.sqlite3"
TARGET_P95_S = 0.200
TARGET_RATIO = 2.0
TARGET_PDF_S = 2.0
STATUSES = ("on_site",) * 6 + ("telework",) * 3 + ("sick", "isolating", "childcare", "leave")
ROLES = ("caretaker",) * 4 + ("customer_officer",) * 2 + ("technician", "accountant", "manager")


def setup(default_file: Path) -> str:
    for name, value in production_env().items():  # DEBUG off: no query log, as in production
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("AUDIT_HMAC_KEY", BENCH_AUDIT_KEY)
    if not os.environ.get("DATABASE_URL"):
        default_file.parent.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{default_file}"
    import django
    from django.db import connection

    django.setup()
    return connection.vendor


def _timed(call, runs: int) -> list[float]:
    call()  # warm-up
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


def seed(organisations: int, staff: int, days: int, today: dt.date) -> None:
    """Landlords ``bench-continuity-<n>``, their people and declarations (set-based)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from relais.continuity import services
    from relais.continuity.models import Declaration, StaffMember
    from relais.core.models import Agency, Membership, Organisation

    rng = random.Random(14)
    user_model = get_user_model()
    now = timezone.now()
    first_day = today - dt.timedelta(days=days - 1)
    table, cols = Declaration._meta.db_table, "organisation_id, staff_id, day, status, declared_at"
    insert = f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s)"
    stamp = connection.ops.adapt_datetimefield_value(now)
    for index in range(organisations):
        per = staff // organisations + (1 if index < staff % organisations else 0)
        with transaction.atomic():
            org = Organisation.objects.create(
                name=f"Bailleur {index:02d}", slug=f"bench-continuity-{index}"
            )
            agencies = [
                Agency.objects.create(organisation=org, name=f"Agence {a}") for a in range(4)
            ]
            users = user_model.objects.bulk_create(
                user_model(username=f"bc{index}-{n}", first_name="Agent", last_name=f"{n}")
                for n in range(per)
            )
            members = Membership.objects.bulk_create(
                Membership(user=u, organisation=org, role=rng.choice(ROLES)) for u in users
            )
            people = StaffMember.objects.bulk_create(
                StaffMember(organisation=org, membership=m, agency=rng.choice(agencies))
                for m in members
            )
            services.plan_adopt(organisation=org, actor=None)
            with connection.cursor() as cursor:
                for offset in range(days):
                    day = connection.ops.adapt_datefield_value(
                        first_day + dt.timedelta(days=offset)
                    )
                    cursor.executemany(
                        insert,
                        [(org.pk, p.pk, day, rng.choice(STATUSES), stamp) for p in people],
                    )
        print(f"  seeded {org.name}: {per} people, {per * days} declared days", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def cases(organisation, day: dt.date):
    """(label, the selector as a callable, the bare SQL as a callable)."""
    from django.db import connection

    from relais.continuity import selectors

    org = organisation.pk
    on = connection.ops.adapt_datefield_value(day)
    join = (
        "FROM continuity_declaration d JOIN continuity_staffmember s ON s.id = d.staff_id "
        "JOIN core_membership m ON m.id = s.membership_id "
    )
    staff_sql = (
        "SELECT m.role, s.agency_id, COUNT(*) FROM continuity_staffmember s "
        "JOIN core_membership m ON m.id = s.membership_id "
        "WHERE s.organisation_id = %s AND m.is_active GROUP BY m.role, s.agency_id"
    )
    return [
        *more_cases(organisation, day, join, staff_sql),
        (
            "coverage of a day (plan, declarations, directory)",
            lambda: selectors.coverage_on(organisation, day),
            lambda: (
                _sql(
                    "SELECT a.id, a.name, n.role, n.agency_id, n.minimum, n.on_site_only "
                    "FROM continuity_criticalactivity a LEFT JOIN continuity_minimumstaffing n "
                    "ON n.activity_id = a.id WHERE a.organisation_id = %s",
                    [org],
                )(),
                _sql(
                    f"SELECT m.role, s.agency_id, d.status, COUNT(*) {join}"
                    "WHERE d.organisation_id = %s AND d.day = %s AND m.is_active "
                    "GROUP BY m.role, s.agency_id, d.status",
                    [org, on],
                )(),
                _sql(staff_sql, [org])(),
            ),
        ),
        (
            "activities below minimum (home card, alerts)",
            lambda: selectors.below_minimum(organisation, day),
            lambda: (
                _sql(
                    "SELECT n.activity_id, n.role, n.agency_id, n.minimum, n.on_site_only "
                    "FROM continuity_minimumstaffing n WHERE n.organisation_id = %s",
                    [org],
                )(),
                _sql(
                    "SELECT m.role, s.agency_id, d.status, COUNT(*) "
                    "FROM continuity_staffmember s JOIN core_membership m "
                    "ON m.id = s.membership_id LEFT JOIN continuity_declaration d "
                    "ON d.staff_id = s.id AND d.day = %s WHERE s.organisation_id = %s "
                    "AND m.is_active GROUP BY m.role, s.agency_id, d.status",
                    [on, org],
                )(),
            ),
        ),
    ]


def more_cases(organisation, day: dt.date, join: str, staff_sql: str):
    """The fortnight's coverage and the report's staff figures (see ``cases``)."""
    from django.db import connection

    from relais.continuity import selectors

    org = organisation.pk
    on = connection.ops.adapt_datefield_value(day)
    days = [day - dt.timedelta(days=d) for d in range(13, -1, -1)]
    first, last = (connection.ops.adapt_datefield_value(d) for d in (days[0], days[-1]))
    return [
        (
            "two-week coverage",
            lambda: selectors.coverage_for_days(organisation, days),
            lambda: (
                _sql(
                    f"SELECT d.day, m.role, s.agency_id, d.status, COUNT(*) {join}"
                    "WHERE d.organisation_id = %s AND d.day >= %s AND d.day <= %s "
                    "AND m.is_active GROUP BY d.day, m.role, s.agency_id, d.status",
                    [org, first, last],
                )(),
                _sql(staff_sql, [org])(),
            ),
        ),
        (
            "report: staff on site / telework / absent",
            lambda: selectors.status_totals(organisation, day),
            lambda: (
                _sql(
                    f"SELECT d.status, COUNT(*) {join}"
                    "WHERE d.organisation_id = %s AND d.day = %s AND m.is_active "
                    "GROUP BY d.status",
                    [org, on],
                )(),
                _sql(
                    "SELECT COUNT(*) FROM continuity_staffmember s JOIN core_membership m "
                    "ON m.id = s.membership_id WHERE s.organisation_id = %s AND m.is_active",
                    [org],
                )(),
            ),
        ),
        (
            "on-site count of a role (supplies, proximity)",
            lambda: selectors.on_site_count(organisation, day, role="caretaker"),
            _sql(
                f"SELECT COUNT(*) {join}WHERE d.organisation_id = %s AND d.day = %s "
                "AND d.status = 'on_site' AND m.is_active AND m.role = %s",
                [org, on, "caretaker"],
            ),
        ),
    ]


def _median(samples: list[float]) -> float:
    return sorted(samples)[len(samples) // 2]


def _line(label, page, bare, batch: int) -> bool:
    ratio = p95(page) / p95(bare) if p95(bare) else float("inf")
    ok = p95(page) <= TARGET_P95_S and ratio <= TARGET_RATIO
    print(
        f"{label:<50} p95 {ms(p95(page)):>9} (target ≤ {ms(TARGET_P95_S)}), "
        f"median {ms(_median(page))}; bare SQL p95 {ms(p95(bare))}, median "
        f"{ms(_median(bare))}; ratio of p95 {ratio:.2f} (target ≤ {TARGET_RATIO}) "
        f"{'ok' if ok else 'MISSED'} ({batch} calls a sample)"
    )
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--organisations", type=int, default=35)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    name = f"bench-continuity-{args.staff}-{args.days}.sqlite3"
    vendor = setup(SQLITE_FILE.with_name(name))
    from django.core.management import call_command
    from django.utils import timezone

    from relais.continuity import pdf, report, selectors
    from relais.continuity.models import Declaration, SituationReport
    from relais.core.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    if not Organisation.objects.filter(slug__startswith="bench-continuity-").exists():
        print(f"seeding {args.staff} staff over {args.organisations} landlords…", flush=True)
        seed(args.organisations, args.staff, args.days, today)
    organisation = Organisation.objects.filter(slug__startswith="bench-continuity-").first()
    day = Declaration.objects.filter(organisation=organisation).latest("day").day
    print(
        f"continuity bench on {vendor}: {Declaration.objects.count():,} declared days, "
        f"{selectors.staff_directory(organisation).count()} people in the landlord timed; "
        f"{machine()}"
    )
    ok = True
    for label, page, bare in cases(organisation, day):
        # Batches of calls lasting ~20 ms, the selector and the bare SQL in turns (ADR 0037).
        batch = batch_size(bare)
        ok &= _line(label, *paired([page, bare], args.runs, batch), batch)
    figures = _timed(lambda: report.compute_all(organisation, day), args.runs)
    print(f"{'report: every figure (registry)':<52} p95 {ms(p95(figures)):>9}")
    found = SituationReport(
        organisation=organisation,
        day=day,
        built_at=timezone.now(),
        figures=report.compute_all(organisation, day),
    )
    printing = _timed(
        lambda: pdf.report_pdf(found, plan_line="Plan de continuité activé", below=[]),
        max(args.runs // 5, 3),
    )
    pdf_ok = p95(printing) <= TARGET_PDF_S
    ok &= pdf_ok
    print(
        f"{'report PDF (typst)':<52} p95 {ms(p95(printing)):>9} (target ≤ "
        f"{ms(TARGET_PDF_S)})  {'ok' if pdf_ok else 'MISSED'}"
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
