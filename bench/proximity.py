#!/usr/bin/env python
"""Benchmark of the caretakers' rounds at region scale (issue 9 §5).

    .venv/bin/python bench/proximity.py                    # SQLite (var/bench-region.sqlite3)
    DATABASE_URL=postgres://… .venv/bin/python bench/proximity.py

Runs on the database of ``DATABASE_URL`` (else the benches' SQLite file), seeding the region
demo there when missing, and the rounds' demo (every building, 14 days: ≥ 1,000,000 steps)
when the rounds hold fewer steps. Then:

- generation: the passages and steps of a day not yet generated — the first Thursday at least
  three days ahead, the heaviest day of the demo's rounds (disinfection, cleaning, bins in
  and bins out by the calendar) — for every building of the region, through
  ``generation.generate_day`` (the hourly task's service), against the plainest
  ``INSERT … SELECT`` writing the same rows into the same tables (the service's passages
  copied a week later, then their steps from the rounds' steps); the service runs once
  untimed and rolled back first (warm caches for both); both days are removed afterwards so
  the bench can run again. Targets: ≤ 10 s, ratio ≤ 2.
- coverage: for the landlord of the benches over the last 14 days, each query of the
  coverage page through its selector (by day, by building, by caretaker) against the bare
  SQL aggregate, ``--runs`` times. Targets: p95 ≤ 200 ms, ratio ≤ 2.
"""

import argparse
import datetime as dt
import time

from region import ensure_region_demo, landlord, machine, ms, p95, setup_django

GENERATION_TARGET_S = 10.0
COVERAGE_TARGET_S = 0.200
TARGET_RATIO = 2.0
MIN_STEPS = 1_000_000


def _ensure_rounds() -> None:
    from django.db import transaction

    from relais.core.models import Organisation
    from relais.housing.demo.writer import BulkWriter
    from relais.proximity.demo_extension import ProximityDemo
    from relais.proximity.models import RoundStep

    if RoundStep.objects.count() >= MIN_STEPS:
        return
    print("seeding the rounds of every building (14 days)…", flush=True)
    ids = list(Organisation.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    with transaction.atomic():
        ProximityDemo().reset(ids)
        writer = BulkWriter()
        ProximityDemo().seed(organisation_ids=ids, scale="region", seed=0, writer=writer)
        writer.finish()
    from region import analyse

    analyse()
    print(f"  seeded in {time.perf_counter() - start:.1f} s", flush=True)


def _bare_generation(day: dt.date, copy_of: dt.date) -> float:
    """The same rows as the service wrote for ``copy_of`` (every passage with its times and
    assignee, then one step per round step) written for ``day`` into the same tables by the
    plainest ``INSERT … SELECT``: no calendar, no crisis, no assignment rule, no conflict
    handling — the cost of writing the rows alone."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            "INSERT INTO proximity_roundoccurrence (organisation_id, template_id, building_id, "
            "kind, day, passage, starts_at, due_at, assignee_id, status, completed_at) "
            "SELECT organisation_id, template_id, building_id, kind, %s, passage, starts_at, "
            "due_at, assignee_id, 'planned', NULL FROM proximity_roundoccurrence WHERE day = %s",
            [day, copy_of],
        )
        cursor.execute(
            "INSERT INTO proximity_roundstep (organisation_id, occurrence_id, position, label, "
            "done_at, done_by_id, received_at, client_key) "
            "SELECT o.organisation_id, o.id, s.position, s.label, NULL, NULL, NULL, '' "
            "FROM proximity_roundoccurrence o "
            "JOIN proximity_templatestep s ON s.template_id = o.template_id WHERE o.day = %s",
            [day],
        )
        return time.perf_counter() - start


def _drop_day(day: dt.date) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM proximity_roundstep WHERE occurrence_id IN "
            "(SELECT id FROM proximity_roundoccurrence WHERE day = %s)",
            [day],
        )
        cursor.execute("DELETE FROM proximity_roundoccurrence WHERE day = %s", [day])


class _Undone(Exception):
    pass


def _warm_up(day: dt.date) -> None:
    """Generate ``day`` once and roll it back, untimed: the rounds and the indexes are read
    from memory by the timed run, as the bare copy reads the rows just written."""
    from django.db import transaction

    from relais.proximity import generation

    try:
        with transaction.atomic():
            generation.generate_day(day, crisis=[])
            raise _Undone
    except _Undone:
        pass


def generation_figures() -> None:
    from django.utils import timezone

    from relais.proximity import generation

    ahead = timezone.localdate() + dt.timedelta(days=3)
    day = ahead + dt.timedelta(days=(3 - ahead.weekday()) % 7)  # a Thursday
    bare_day = day + dt.timedelta(days=7)
    _drop_day(day)
    _drop_day(bare_day)
    _warm_up(day)
    start = time.perf_counter()
    made, steps = generation.generate_day(day, crisis=[])
    service = time.perf_counter() - start
    bare = _bare_generation(bare_day, day)
    _drop_day(day)
    _drop_day(bare_day)
    ratio = service / bare if bare else float("inf")
    print(
        f"generation of {day:%A %d/%m} ({made:,} passages, {steps:,} steps, every building): "
        f"{service:.2f} s (target ≤ {GENERATION_TARGET_S:.0f} s) · bare INSERT … SELECT "
        f"{bare:.2f} s · ratio {ratio:.2f} (target ≤ {TARGET_RATIO:.0f})"
    )


BARE = {
    "by day": (
        "SELECT day, COUNT(*), SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'missed' THEN 1 ELSE 0 END) FROM proximity_roundoccurrence "
        "WHERE organisation_id = %s AND day >= %s AND day <= %s GROUP BY day ORDER BY day"
    ),
    "by building": (
        "SELECT building_id, COUNT(*), SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'missed' THEN 1 ELSE 0 END) AS missed "
        "FROM proximity_roundoccurrence WHERE organisation_id = %s AND day >= %s AND day <= %s "
        "GROUP BY building_id ORDER BY missed DESC, building_id LIMIT 20"
    ),
    "by caretaker": (
        "SELECT assignee_id, COUNT(*), SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'missed' THEN 1 ELSE 0 END) FROM proximity_roundoccurrence "
        "WHERE organisation_id = %s AND day >= %s AND day <= %s GROUP BY assignee_id"
    ),
}


def _timed(call, runs: int) -> list[float]:
    call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def coverage_figures(runs: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from relais.proximity import selectors
    from relais.proximity.models import RoundOccurrence, RoundStep

    organisation = landlord()
    end = timezone.localdate()
    start = end - dt.timedelta(days=13)
    calls = {
        "by day": lambda: selectors.coverage_by_day(organisation, start, end),
        "by building": lambda: selectors.coverage_by_building(organisation, start, end),
        "by caretaker": lambda: selectors.coverage_by_person(organisation, start, end),
    }
    passages = RoundOccurrence.objects.filter(
        organisation=organisation, day__gte=start, day__lte=end
    ).count()
    print(
        f"coverage of {organisation.name} over 14 days ({passages:,} passages; "
        f"{RoundStep.objects.count():,} steps in the database):"
    )
    for name, call in calls.items():

        def bare(sql=BARE[name]):
            with connection.cursor() as cursor:
                cursor.execute(sql, [organisation.pk, start, end])
                return cursor.fetchall()

        ours, base = p95(_timed(call, runs)), p95(_timed(bare, runs))
        print(
            f"  {name}: p95 {ms(ours)} (target ≤ {ms(COVERAGE_TARGET_S)}) · bare SQL "
            f"{ms(base)} · ratio {ours / base:.2f} (target ≤ {TARGET_RATIO:.0f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    vendor = setup_django()
    print(f"database: {vendor} · {machine()}")
    ensure_region_demo()
    _ensure_rounds()
    generation_figures()
    coverage_figures(args.runs)


if __name__ == "__main__":
    main()
