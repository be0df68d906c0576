#!/usr/bin/env python
"""Benchmark of the federation's indicators: 35 members, 1,000,000 source events.

    .venv/bin/python bench/federation.py                    # SQLite (var/bench-federation.*)
    .venv/bin/python bench/federation.py --events 100000    # a smaller scale
    DATABASE_URL=postgres://… .venv/bin/python bench/federation.py

Seeds its own database once: 35 members of one federation, each with its protective-equipment
items and a location, and ``--events`` stock movements (receipts and daily issues over twelve
weeks: the largest source table the indicators read), plus ``--dwellings`` dwellings' worth of
buildings spread over the region's départements (the dashboard's département filter). Then
times, ``--runs`` times:

- the weekly incremental refresh of every indicator for every member
  (``services.refresh()``), against the bare SQL ``SUM … GROUP BY`` over the same movements;
- the dashboard's queries (members and départements, the week's values, regional figures,
  completeness, the 12-week series), against one bare SELECT of the week's values.

Prints each figure, its target and its ratio to the bare SQL measured in the same run.
Targets (issue 18 §5): incremental refresh ≤ 5 s; dashboard p95 ≤ 200 ms, ratio ≤ 2.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_REFRESH_S = 5.0
TARGET_P95_S = 0.200
TARGET_RATIO = 2.0
MEMBERS = 35
SQLITE_FILE = ROOT / "var" / "bench-federation.sqlite3"


def setup(events: int) -> str:
    if not os.environ.get("DATABASE_URL"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        name = SQLITE_FILE.with_suffix(f".{events}.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{name}"
    from region import setup_django

    return setup_django()


def seed(events: int, dwellings: int) -> float:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from relais.core.models import Federation, Organisation
    from relais.supplies.models import Item, Location, LocationKind, Movement, MovementKind
    from relais.supplies.stock.services import items_ensure_defaults

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if Movement.objects.exists():
        return 0.0
    federation = Federation.objects.create(name="USH Centre-Val de Loire", slug="ush-cvl")
    rng = random.Random(18)
    members = [
        Organisation.objects.create(
            name=f"Bailleur {n:02d}", slug=f"bailleur-{n:02d}", federation=federation
        )
        for n in range(MEMBERS)
    ]
    now = timezone.now()
    per_member = events // MEMBERS
    for member in members:
        items_ensure_defaults(member)
        location = Location.objects.create(
            organisation=member, name="Magasin", kind=LocationKind.WAREHOUSE
        )
        items = list(Item.objects.filter(organisation=member).values_list("pk", flat=True))
        rows = []
        for index in range(per_member):
            receipt = index % 20 == 0
            rows.append(
                Movement(
                    organisation=member,
                    item_id=items[index % len(items)],
                    location=location,
                    kind=MovementKind.RECEIPT if receipt else MovementKind.ISSUE,
                    quantity=rng.randint(200, 400) if receipt else -rng.randint(1, 10),
                    occurred_at=now - dt.timedelta(minutes=rng.randint(0, 84 * 24 * 60)),
                )
            )
        with transaction.atomic():
            Movement.objects.bulk_create(rows, batch_size=5000)
    _seed_buildings(members, dwellings)
    return time.perf_counter() - start


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
    """p95 of the dashboard's queries against one bare SELECT of the week's values."""
    from django.core.cache import cache
    from django.db import connection

    from relais.federation.indicators import selectors

    cache.clear()
    selectors.members(federation)  # the départements, cached as after the first page view

    def dashboard():
        """As the view: the members (départements cached an hour), the week's values and
        regional figures, completeness, the 12-week series."""
        found = selectors.members(federation)
        rows = selectors.values_for([m.pk for m in found], [week.start])
        selectors.regional(rows)
        selectors.completeness(federation, week, found=found)
        selectors.series(federation, "supplies.cover", week, found=found)

    def bare_dashboard():
        """The same reads in bare SQL: members, the week's values, the completeness counts and
        reports, the 12-week series of one indicator."""
        weeks = [week.previous(n).start for n in range(12)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name FROM core_organisation WHERE federation_id = %s", [federation.pk]
            )
            ids = [row[0] for row in cursor.fetchall()]
            marks = ",".join(["%s"] * len(ids))
            for sql, params in (
                (
                    "SELECT organisation_id, key, value, base, source FROM "
                    f"federation_indicatorvalue WHERE organisation_id IN ({marks}) "
                    "AND week_start = %s",
                    [*ids, week.start],
                ),
                (
                    "SELECT organisation_id, source, COUNT(*) FROM federation_indicatorvalue "
                    f"WHERE organisation_id IN ({marks}) AND week_start = %s "
                    "GROUP BY organisation_id, source",
                    [*ids, week.start],
                ),
                (
                    "SELECT * FROM federation_weeklyreport WHERE week_start = %s",
                    [week.start],
                ),
                (
                    "SELECT organisation_id, week_start, value, base FROM "
                    f"federation_indicatorvalue WHERE organisation_id IN ({marks}) AND week_start "
                    f"IN ({','.join(['%s'] * len(weeks))}) AND key = %s",
                    [*ids, *weeks, "supplies.cover"],
                ),
            ):
                cursor.execute(sql, params)
                cursor.fetchall()

    page = p95(timed(dashboard, runs))
    bare_page = p95(timed(bare_dashboard, runs))
    print(
        f"dashboard queries: p95 {page * 1000:.1f} ms (target ≤ {TARGET_P95_S * 1000:.0f} ms), "
        f"bare SQL {bare_page * 1000:.1f} ms, ratio {page / bare_page:.1f} "
        f"(target ≤ {TARGET_RATIO})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dwellings", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    vendor = setup(args.events)
    seconds = seed(args.events, args.dwellings)
    from django.db import connection

    from relais.core.models import Federation
    from relais.federation.indicators import services
    from relais.federation.indicators.registry import Week

    federation = Federation.objects.get(slug="ush-cvl")
    week = Week.of(dt.date.today())
    print(
        f"federation bench on {vendor}: {MEMBERS} members, {args.events:,} events "
        f"(seeded in {seconds:.1f} s)"
    )

    def bare_refresh():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT organisation_id, item_id, SUM(quantity) FROM supplies_movement "
                "GROUP BY organisation_id, item_id"
            )
            cursor.fetchall()

    services.refresh(weeks=[week.previous(n) for n in range(12)])  # the history the series reads
    refresh = timed(lambda: services.refresh(), max(3, args.runs // 5))
    bare = timed(bare_refresh, max(3, args.runs // 5))
    worst, base = max(refresh), p95(bare)
    print(
        f"incremental refresh (every indicator, every member): max {worst:.3f} s "
        f"(target ≤ {TARGET_REFRESH_S} s), bare SQL {base:.3f} s, ratio {worst / base:.1f}"
    )

    measure_dashboard(federation, week, args.runs)


if __name__ == "__main__":
    main()
