#!/usr/bin/env python
"""Benchmark of the interventions dashboard's queries and the triage list at region scale.

    .venv/bin/python bench/interventions.py                    # SQLite (var/bench-region.sqlite3)
    DATABASE_URL=postgres://… .venv/bin/python bench/interventions.py

Runs on the database of ``DATABASE_URL`` (else the benches' SQLite file) and seeds the region
demo there first when it is missing (its interventions part: ~206,000 requests over a year,
each dispatched one with its work order). For the landlord of the benches (Tours Habitat), it
times ``--runs`` times each query the dashboard and the triage list run, through the selectors
the pages call (``relais.interventions.dashboard.selectors``, ``work_orders.selectors``,
``requests.selectors.triage_page``), a hand-written SQL query giving the same figures
through a bare cursor, and the SQL the selector sends replayed through a bare cursor (the
database's share); then prints for each the p95 of the first two, their ratio, and the third.
Each sample is the mean of a batch of calls lasting ~20 ms, the three taking turns batch by
batch so that they are compared under the same load (ADR 0037). Finally it times the whole
dashboard page through Django's test client.
Targets (issue 8 §6): every query p95 ≤ 200 ms, ratio to the bare SQL ≤ 2.
"""

import argparse
import datetime as dt
import os

from region import (
    LANDLORD,
    batch_size,
    ensure_region_demo,
    landlord,
    machine,
    ms,
    p95,
    paired,
    production_env,
    setup_django,
    timed,
)

TARGET_P95_S = 0.200
TARGET_RATIO = 2.0
MIN_REQUESTS = 200_000


def _sql(sql: str, params: list):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _its_sql(call):
    """The SQL ``call`` sends (captured once), replayed through a bare cursor: the database's
    share of the page's query, without the ORM's work in Python."""
    from django.db import connection

    sent = []

    def capture(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        call()
    replays = [_sql(sql, list(params or ())) for sql, params in sent]
    return lambda: [replay() for replay in replays]


def cases(organisation, now):
    """(label, the page's query as a callable, the bare SQL as a callable)."""
    from django.db import connection

    from relais.interventions.dashboard import selectors as dashboard
    from relais.interventions.requests.selectors import TriageFilter, triage_page
    from relais.interventions.work_orders import selectors as work_orders

    scope = dashboard.Scope(organisation)
    org = organisation.pk
    # The bare queries get datetimes as the ORM writes them (SQLite compares strings).
    stamp = connection.ops.adapt_datetimefield_value
    urgent = ["safety", "urgent"]
    active = list(dashboard.ACTIVE)
    marks = ", ".join(["%s"] * len(active))
    week = [stamp(now - dt.timedelta(days=d)) for d in (7, 14, 28)]
    measured = (
        "w.due_at IS NOT NULL AND (w.status = 'completed' OR "
        "(w.status IN ('sent','accepted','scheduled','stopped') AND w.due_at < %s))"
    )
    met = "SUM(CASE WHEN w.status = 'completed' AND w.completed_at <= w.due_at THEN 1 ELSE 0 END)"
    since = now - dashboard.SLA_WINDOW
    wo = work_orders.for_organisation(organisation).filter(sent_at__gte=since)
    return [
        (
            "open urgent requests",
            lambda: dashboard.open_urgent(scope),
            _sql(
                "SELECT priority, COUNT(*) FROM interventions_interventionrequest "
                f"WHERE organisation_id = %s AND status IN ({marks}) AND priority IN (%s, %s) "
                "GROUP BY priority",
                [org, *active, *urgent],
            ),
        ),
        (
            "deferred backlog by age",
            lambda: dashboard.backlog_age(scope, now),
            _sql(
                "SELECT MIN(deferred_at), "
                "SUM(CASE WHEN deferred_at > %s THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN deferred_at > %s AND deferred_at <= %s THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN deferred_at > %s AND deferred_at <= %s THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN deferred_at <= %s THEN 1 ELSE 0 END) "
                "FROM interventions_interventionrequest "
                "WHERE organisation_id = %s AND status = 'deferred'",
                [week[0], week[1], week[0], week[2], week[1], week[2], org],
            ),
        ),
        (
            "SLA by priority",
            lambda: work_orders.sla_by_priority(wo, now),
            _sql(
                f"SELECT r.priority, COUNT(*), {met} FROM interventions_workorder w "
                "JOIN interventions_interventionrequest r ON r.id = w.request_id "
                f"WHERE w.organisation_id = %s AND w.sent_at >= %s AND {measured} "
                "GROUP BY r.priority",
                [org, stamp(since), stamp(now)],
            ),
        ),
        (
            "SLA by contractor",
            lambda: work_orders.sla_by_contractor(wo, now),
            _sql(
                f"SELECT w.contractor_id, c.name, COUNT(*), {met} FROM interventions_workorder w "
                "JOIN interventions_contractor c ON c.id = w.contractor_id "
                f"WHERE w.organisation_id = %s AND w.sent_at >= %s AND {measured} "
                "GROUP BY w.contractor_id, c.name",
                [org, stamp(since), stamp(now)],
            ),
        ),
        (
            "triage list (to triage, first 50)",
            lambda: triage_page(TriageFilter(organisation, status="new"), limit=50),
            _sql(
                "SELECT r.id, r.tracking_number, r.status, r.priority, r.source, "
                "r.reported_at, r.deferred_at, r.callback_requested, r.called_back_at, "
                "h.name, h.reference, b.address, c.name, d.reference, COUNT(*) OVER () "
                "FROM interventions_interventionrequest r "
                "LEFT JOIN housing_household h ON h.id = r.household_id "
                "LEFT JOIN housing_building b ON b.id = r.building_id "
                "JOIN interventions_category c ON c.id = r.category_id "
                "LEFT JOIN housing_dwelling d ON d.id = r.dwelling_id "
                "WHERE r.organisation_id = %s AND r.status = 'new' "
                "ORDER BY r.priority_rank, r.reported_at, r.id LIMIT 50",
                [org],
            ),
        ),
    ]


def dashboard_page(runs: int) -> list[float]:
    from django.test import Client
    from django.urls import reverse

    from relais.core.models import Membership
    from relais.core.roles import Role

    member = (
        Membership.objects.filter(organisation__name=LANDLORD, role=Role.DIRECTOR, is_active=True)
        .select_related("user")
        .first()
    )
    client = Client()
    client.force_login(member.user)
    url = reverse("interventions:dashboard")

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return timed(get, runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    for name, value in production_env().items():
        if name != "DEBUG":
            os.environ.setdefault(name, value)
    vendor = setup_django()
    seeded = ensure_region_demo()
    from django.utils import timezone

    from relais.interventions.models import InterventionRequest, WorkOrder

    total = InterventionRequest.objects.count()
    print(
        f"{vendor}: {total:,} requests, {WorkOrder.objects.count():,} work orders "
        f"(set-up {seeded:.0f} s); {machine()}"
    )
    if total < MIN_REQUESTS:
        print(f"fewer than {MIN_REQUESTS:,} requests: reseed the region demo")
    organisation = landlord()
    mine = InterventionRequest.objects.filter(organisation=organisation).count()
    print(f"landlord measured: {LANDLORD} ({mine:,} requests)")
    now = timezone.now()
    failed = False
    for label, page_query, bare in cases(organisation, now):
        batch = batch_size(bare)  # the same batch for both: as many calls of each
        samples = paired([page_query, bare, _its_sql(page_query)], args.runs, batch)
        ours, raw, sql_only = (p95(taken) for taken in samples)
        ratio = ours / raw if raw else float("inf")
        ok = ours <= TARGET_P95_S and ratio <= TARGET_RATIO
        failed |= not ok
        print(
            f"{label:38} p95 {ms(ours):>10}  bare SQL {ms(raw):>10}  ratio {ratio:5.2f}"
            f"  {'ok' if ok else 'OVER TARGET'}  (its SQL alone {ms(sql_only)},"
            f" ratio {sql_only / raw if raw else float('inf'):4.2f}; {batch} calls a sample)"
        )
    page = p95(dashboard_page(max(args.runs // 5, 5)))
    print(f"{'dashboard page (whole request)':38} p95 {ms(page):>10}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
