#!/usr/bin/env python
"""Benchmark of the federation's indicators: 35 members, 1,000,000 source events.

    .venv/bin/python bench/federation.py --seed-only        # seed only (no lock needed)
    flock /work/wt/bench.lock .venv/bin/python bench/federation.py   # SQLite (var/bench-…)
    .venv/bin/python bench/federation.py --events 100000    # a smaller scale
    DATABASE_URL=postgres://… .venv/bin/python bench/federation.py

Seeds its own database once, set-based (``federation_seed``: 1,000,000 events in under a
minute on SQLite, a few on PostgreSQL): 35 members of one federation, ``--dwellings``
dwellings' worth of buildings spread over the region's départements (the dashboard's
département filter), and ``--events`` source rows over twelve weeks spread across the
capabilities the indicators read (rounds passages, rent calls and payments, staff days, stock
movements, calls to vulnerable tenants, intervention requests). Then times, ``--runs``
times:

- the weekly incremental refresh of every indicator for every member
  (``services.refresh()``), against the bare SQL ``GROUP BY`` aggregations of the same
  indicators over the same rows for the current week;
- the dashboard's data (``selectors.dashboard``, all the page shows: the members with their
  week grouped per member in SQL, the cached départements, the regional figures and the
  12-week series from ``RegionalFigure``), against the same three reads in bare SQL (the
  page's own statements: same rows, same result).

Prints each figure, its target and its ratio to the bare SQL measured in the same run.
Targets (issue 18 §5): incremental refresh ≤ 5 s; dashboard p95 ≤ 200 ms, ratio ≤ 2.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from federation_seed import seed_events  # noqa: E402

TARGET_REFRESH_S = 5.0
TARGET_P95_S = 0.200
TARGET_RATIO = 2.0
MEMBERS = 35
SQLITE_FILE = ROOT / "var" / "bench-federation.sqlite3"


def setup(events: int) -> str:
    if not os.environ.get("DATABASE_URL"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        name = SQLITE_FILE.with_suffix(f".{events}.spread.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{name}"
    from region import setup_django

    return setup_django()


def seed(events: int, dwellings: int) -> float:
    from django.core.management import call_command
    from django.db import transaction

    from relais.interventions.models import InterventionRequest

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if InterventionRequest.objects.exists():
        return 0.0
    with transaction.atomic():  # a failed seed leaves the migrated database empty
        _seed_all(events, dwellings)
    return time.perf_counter() - start


def _seed_all(events: int, dwellings: int) -> None:
    from relais.core.models import Federation, Organisation

    federation = Federation.objects.create(name="USH Centre-Val de Loire", slug="ush-cvl")
    members = [
        Organisation.objects.create(
            name=f"Bailleur {n:02d}", slug=f"bailleur-{n:02d}", federation=federation
        )
        for n in range(MEMBERS)
    ]
    _seed_buildings(members, dwellings)
    written = seed_events(members, events, random.Random(18))
    print("seeded: " + ", ".join(f"{kind} {count:,}" for kind, count in written.items()))


def _seed_buildings(members, dwellings):
    """One building per 20 dwellings, in the region's départements (the filter's source)."""
    from relais.housing.models import Building, Commune, Departement, Region, Residence, Zone

    region, _ = Region.objects.get_or_create(code="24", defaults={"name": "Centre-Val de Loire"})
    codes = ("18", "28", "36", "37", "41", "45")
    communes = []
    for code in codes:
        departement, _ = Departement.objects.get_or_create(
            code=code, defaults={"name": code, "region": region}
        )
        communes.append(
            Commune.objects.get_or_create(
                code=f"{code}001",
                defaults={
                    "name": f"Commune {code}",
                    "departement": departement,
                    "zone": Zone.OTHER,
                },
            )[0]
        )
    buildings = []
    for index, member in enumerate(members):
        commune = communes[index % len(communes)]
        residence = Residence.objects.create(
            organisation=member, reference=f"R{index}", name="Résidence", commune=commune
        )
        buildings += [
            Building(
                organisation=member,
                residence=residence,
                commune=commune,
                reference=f"B{index}-{n}",
                address=f"{n} rue",
                postcode=f"{commune.code[:2]}000",
            )
            for n in range(dwellings // 20 // MEMBERS)
        ]
    Building.objects.bulk_create(buildings, batch_size=5000)


def load() -> str:
    """The machine's load average, printed beside each figure (a shared machine)."""
    return "(load {:.1f} {:.1f} {:.1f})".format(*os.getloadavg())


def p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timed(function, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def measure_dashboard(federation, week, runs):
    """p95 of the dashboard's data (``selectors.dashboard``: everything the page shows)
    against the same three reads in bare SQL (same rows, same result)."""
    from django.core.cache import cache
    from django.db import connection

    from relais.federation.indicators import board, selectors

    cache.clear()
    selectors.members(federation)  # the départements, cached as after the first page view
    key = "supplies.cover"

    def dashboard():
        """As the view: the members with their week grouped per member, the départements
        (cached an hour), the regional figures and the 12-week series of one indicator from
        the kept table — and the cells, statuses and figures the page shows, built."""
        selectors.dashboard(federation, week, key)

    def bare_dashboard():
        """The same reads in bare SQL — the page's own statements, so the baseline cannot
        drift from what it reads: the members with their week grouped per member
        (``board.MEMBERS_WEEK``), the cached départements row, the kept regional figures of
        the week and of the series (``board.REGIONAL``); rows fetched, nothing built."""
        bound = board.params(federation.pk, week.start, key)
        with connection.cursor() as cursor:
            cursor.execute(board.MEMBERS_WEEK, bound)
            ids = sorted(row[0] for row in cursor.fetchall())
            cache_key = cache.make_key("federation:departements:v2:" + ",".join(map(str, ids)))
            cursor.execute(
                "SELECT cache_key, value, expires FROM relais_cache WHERE cache_key = %s",
                [cache_key],
            )
            assert cursor.fetchall(), "the départements are in the cache"
            cursor.execute(board.REGIONAL, bound)
            cursor.fetchall()

    # Interleaved (one of each in turn): on a shared machine both see the same load.
    samples = [(timed(dashboard, 1)[0], timed(bare_dashboard, 1)[0]) for _ in range(runs)]
    median = statistics.median(ours for ours, _bare in samples)
    bare_median = statistics.median(bare for _ours, bare in samples)
    page = p95([ours for ours, _bare in samples])
    bare_page = p95([bare for _ours, bare in samples])
    met = page <= TARGET_P95_S and page / bare_page <= TARGET_RATIO
    print(
        f"dashboard queries: p95 {page * 1000:.1f} ms (target ≤ {TARGET_P95_S * 1000:.0f} ms), "
        f"bare SQL {bare_page * 1000:.1f} ms, ratio {page / bare_page:.1f} "
        f"(target ≤ {TARGET_RATIO}): {'ok' if met else 'missed'}; "
        f"median {median * 1000:.2f} ms against {bare_median * 1000:.2f} ms ({runs} samples) "
        f"{load()}"
    )


# The bare SQL of the refresh: each seeded indicator's grouped aggregation over the current
# week (bounds as ISO strings, as Django binds them on SQLite and PostgreSQL alike), and the
# work sites' two counts over their history of stops, as the product reads it (not seeded).
BARE_REFRESH = (
    "SELECT organisation_id, COUNT(*) FROM interventions_interventionrequest "
    "WHERE reported_at >= %(start)s AND reported_at < %(end)s "
    "AND priority IN ('safety', 'urgent') GROUP BY organisation_id",
    "SELECT organisation_id, COUNT(*), SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) "
    "FROM proximity_roundoccurrence WHERE day >= %(monday)s AND day < %(next)s "
    "AND status IN ('done', 'missed') GROUP BY organisation_id",
    "SELECT organisation_id, COUNT(*) FROM outreach_call "
    "WHERE called_at >= %(start)s AND called_at < %(end)s GROUP BY organisation_id",
    "SELECT organisation_id, COUNT(*) FROM outreach_registerentry WHERE entered_at < %(end)s "
    "AND (left_at IS NULL OR left_at >= %(start)s) GROUP BY organisation_id",
    "SELECT c.organisation_id, COUNT(DISTINCT f.entry_id) FROM outreach_call c "
    "JOIN outreach_follow f ON f.id = c.follow_id WHERE c.called_at >= %(start)s "
    "AND c.called_at < %(end)s AND c.outcome IN ('fine', 'needs') GROUP BY c.organisation_id",
    "SELECT organisation_id, SUM(amount_cents), SUM(paid_cents), COUNT(*) FROM rent_rentcall "
    "WHERE month = %(month)s GROUP BY organisation_id",
    "SELECT organisation_id, SUM(amount_cents - paid_cents), COUNT(DISTINCT lease_id) "
    "FROM rent_rentcall WHERE month <= %(month)s AND paid_cents < amount_cents "
    "GROUP BY organisation_id",
    "SELECT organisation_id, COUNT(DISTINCT day), SUM(CASE WHEN status = 'on_site' THEN 1 "
    "ELSE 0 END) FROM continuity_declaration WHERE day >= %(monday)s AND day < %(next)s "
    "GROUP BY organisation_id",
    "SELECT organisation_id, item_id, SUM(units) FROM supplies_stockbalance "
    "GROUP BY organisation_id, item_id",
    "SELECT organisation_id, item_id, SUM(quantity) FROM supplies_movement "
    "WHERE kind = 'issue' AND occurred_at >= %(window)s AND occurred_at < %(end)s "
    "GROUP BY organisation_id, item_id",
    "SELECT organisation_id, COUNT(DISTINCT site_id) FROM worksites_stoppage "
    "WHERE stopped_on >= %(monday)s AND stopped_on < %(next)s GROUP BY organisation_id",
    "SELECT organisation_id, COUNT(DISTINCT site_id) FROM worksites_stoppage "
    "WHERE restarted_on >= %(monday)s AND restarted_on < %(next)s GROUP BY organisation_id",
)


def bare_refresh(week):
    from django.db import connection

    start, end = week.bounds()
    params = {
        "start": start,
        "end": end,
        "monday": week.start,
        "next": week.end,
        "month": week.start.replace(day=1),
        "window": end - dt.timedelta(days=28),
    }
    with connection.cursor() as cursor:
        for sql in BARE_REFRESH:
            cursor.execute(sql, params)
            cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dwellings", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed-only", action="store_true", help="seed, time nothing")
    args = parser.parse_args()
    vendor = setup(args.events)
    seconds = seed(args.events, args.dwellings)
    if args.seed_only:
        print(f"seeded {args.events:,} events on {vendor} in {seconds:.1f} s")
        return
    from relais.core.models import Federation
    from relais.federation.indicators import services
    from relais.federation.indicators.registry import Week

    federation = Federation.objects.get(slug="ush-cvl")
    week = Week.of(dt.date.today())
    print(
        f"federation bench on {vendor}: {MEMBERS} members, {args.events:,} events "
        f"(seeded in {seconds:.1f} s)"
    )

    services.refresh(weeks=[week.previous(n) for n in range(12)])  # the history the series reads
    refresh = timed(lambda: services.refresh(), max(3, args.runs // 5))
    bare = timed(lambda: bare_refresh(week), max(3, args.runs // 5))
    worst, base = max(refresh), p95(bare)
    print(
        f"incremental refresh (every indicator, every member): max {worst:.3f} s "
        f"(target ≤ {TARGET_REFRESH_S} s), bare SQL {base:.3f} s, ratio {worst / base:.1f}: "
        f"{'ok' if worst <= TARGET_REFRESH_S else 'missed'} {load()}"
    )

    measure_dashboard(federation, week, max(200, 10 * args.runs))  # about a millisecond each


if __name__ == "__main__":
    main()
