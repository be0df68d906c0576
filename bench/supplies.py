#!/usr/bin/env python
"""Benchmark of stock and days of cover: 35 landlords, 500 locations, 2,000,000 movements.

    .venv/bin/python bench/supplies.py                 # SQLite (var/bench-supplies.sqlite3)
    .venv/bin/python bench/supplies.py --movements 200000
    DATABASE_URL=postgres://… .venv/bin/python bench/supplies.py

Seeds its own database once (landlords in one federation, locations with their declared
headcounts, the default items and usage rates, movements written set-based), then times
``--runs`` times, through the selector the pages and the home card call
(``relais.supplies.stock.selectors.cover``), and a bare SQL ``SUM … GROUP BY`` giving the same
stock through a cursor:

- one landlord's stock and days of cover for every location (the stock page, the manager's
  home card), on the landlord with the most movements;
- every landlord's, for all 500 locations (35 calls against one bare query over the table).

Prints each figure's p95, its target and its ratio to the bare SQL measured in the same run.
Targets (issue 15 §4): p95 ≤ 200 ms, ratio ≤ 2.
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

TARGET_P95_S = 0.200
TARGET_RATIO = 2.0
LANDLORDS = 35
LOCATIONS = 500
SQLITE_FILE = ROOT / "var" / "bench-supplies.sqlite3"


def setup(movements: int) -> str:
    if not os.environ.get("DATABASE_URL"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        name = SQLITE_FILE.with_suffix(f".{movements}.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{name}"
    from region import setup_django

    return setup_django()


def seed(movements: int) -> float:
    """Create the landlords, locations and movements unless they are there; seconds spent."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from relais.core.models import Federation, Organisation
    from relais.core.roles import Role
    from relais.supplies.models import Headcount, Location, LocationKind, Movement
    from relais.supplies.stock.services import items_ensure_defaults

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if Movement.objects.exists():
        return time.perf_counter() - start
    rng = random.Random(15)
    now = timezone.now()
    with transaction.atomic():
        federation = Federation.objects.create(name="Bench", slug="bench-supplies")
        landlords = [
            Organisation.objects.create(
                name=f"Bailleur {n:02d}", slug=f"b{n}", federation=federation
            )
            for n in range(LANDLORDS)
        ]
        locations, items = [], {}
        for index in range(LOCATIONS):
            org = landlords[index % LANDLORDS]
            items[org.pk] = list(items_ensure_defaults(org).values())
            kind = (LocationKind.AGENCY, LocationKind.CARETAKER_ROOM, LocationKind.VEHICLE)[
                index % 3
            ]
            locations.append(Location(organisation=org, name=f"Lieu {index}", kind=kind))
        Location.objects.bulk_create(locations)
        Headcount.objects.bulk_create(
            Headcount(organisation_id=loc.organisation_id, location=loc, role=role, people=n)
            for loc in locations
            for role, n in (
                (Role.CARETAKER, rng.randint(1, 5)),
                (Role.TECHNICIAN, rng.randint(0, 3)),
            )
        )
        _movements(movements, locations, items, rng, now)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _movements(movements, locations, items, rng, now) -> None:
    """``movements`` rows over a year, one receipt for four issues, set-based."""
    from relais.housing.demo.writer import BulkWriter
    from relais.supplies.models import Movement

    writer = BulkWriter()
    table = writer.table(
        Movement,
        (
            "id",
            "organisation_id",
            "item_id",
            "location_id",
            "kind",
            "quantity",
            "occurred_at",
            "note",
        ),
    )
    stamps = [writer.datetime(now - dt.timedelta(minutes=m)) for m in range(0, 525_600, 7)]
    for n in range(movements):
        loc = locations[rng.randrange(LOCATIONS)]
        item = items[loc.organisation_id][rng.randrange(7)]
        receipt = n % 5 == 0
        table.rows.append(
            (
                table.new_id(),
                loc.organisation_id,
                item.pk,
                loc.pk,
                "receipt" if receipt else "issue",
                rng.randint(20, 200) if receipt else -rng.randint(1, 10),
                stamps[rng.randrange(len(stamps))],
                "",
            )
        )
        table.flush_if_full()
    writer.finish()


def _timed(call, runs: int) -> list[float]:
    call()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def _bare(sql, params):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def checkpoints(tail: int) -> tuple[float, int]:
    """Build every landlord's checkpoints (as the nightly task does) unless they are there,
    then write ``tail`` movements after them (a day's worth: what is summed on top of the
    checkpoints); returns (seconds to build them, 0 if already built; checkpoint rows)."""
    from django.utils import timezone

    from relais.core.models import Organisation
    from relais.supplies.models import Item, Location, StockCheckpoint
    from relais.supplies.stock.services import checkpoints_rebuild

    if StockCheckpoint.objects.exists():
        return 0.0, StockCheckpoint.objects.count()
    began = time.perf_counter()
    for organisation in Organisation.objects.filter(slug__startswith="b"):
        checkpoints_rebuild(organisation=organisation)
    took = time.perf_counter() - began
    locations = list(Location.objects.all())
    items = {}
    for item in Item.objects.all():
        items.setdefault(item.organisation_id, []).append(item)
    _movements(tail, locations, items, random.Random(16), timezone.now())
    return took, StockCheckpoint.objects.count()


def cases():
    """(label, cover with the checkpoints, cover summing every movement, the bare sum over
    every movement, the bare sum of the checkpoints and the movements after them)."""
    from django.db.models import Count
    from django.utils import timezone

    from relais.core.models import Organisation
    from relais.supplies.models import Movement
    from relais.supplies.stock.selectors import cover, movement_sums

    busiest = (
        Movement.objects.order_by()
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    landlord = Organisation.objects.get(pk=busiest["organisation_id"])
    landlords = list(Organisation.objects.filter(slug__startswith="b").order_by("pk"))
    today = timezone.localdate()
    group = "SELECT location_id, item_id, SUM(quantity) FROM supplies_movement"
    after = (
        "SELECT organisation_id, location_id, item_id, SUM(units) FROM ("
        "SELECT organisation_id, location_id, item_id, units FROM supplies_stockcheckpoint{c} "
        "UNION ALL SELECT m.organisation_id, m.location_id, m.item_id, m.quantity "
        "FROM supplies_movement m JOIN (SELECT organisation_id, MAX(through_id) AS through "
        "FROM supplies_stockcheckpoint{c} GROUP BY organisation_id) k "
        "ON k.organisation_id = m.organisation_id WHERE m.id > k.through{m}) s "
        "GROUP BY organisation_id, location_id, item_id"
    )
    one = after.format(c=" WHERE organisation_id = %s", m=" AND m.organisation_id = %s")
    return [
        (
            f"stock and days of cover, one landlord ({busiest['n']:,} movements)",
            lambda: cover(landlord, today),
            lambda: cover(landlord, today, sums=movement_sums),
            _bare(
                f"{group} WHERE organisation_id = %s GROUP BY location_id, item_id",
                [landlord.pk],
            ),
            _bare(one, [landlord.pk, landlord.pk, landlord.pk]),
        ),
        (
            f"stock and days of cover, all {LOCATIONS} locations of {len(landlords)} landlords",
            lambda: [cover(org, today) for org in landlords],
            lambda: [cover(org, today, sums=movement_sums) for org in landlords],
            # Grouped in the covering index's order: the fastest bare form.
            _bare(f"{group} GROUP BY organisation_id, location_id, item_id", []),
            _bare(after.format(c="", m=""), []),
        ),
    ]


def main():
    from region import machine, ms, p95

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--movements", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tail", type=int, default=5_000, help="movements after checkpoints")
    args = parser.parse_args()
    vendor = setup(args.movements)
    seconds = seed(args.movements)
    from relais.supplies.models import Movement

    total = Movement.objects.count()
    print(f"database: {vendor}; {total:,} movements, {LOCATIONS} locations, {LANDLORDS} landlords")
    print(f"seeded or checked in {seconds:.1f} s; {machine()}")
    built, rows = checkpoints(args.tail)
    print(
        f"checkpoints: {rows:,} rows"
        + (f", built in {built:.1f} s, then {args.tail:,} movements after them" if built else "")
    )
    for label, page, before, bare_all, bare_after in cases():
        timed = [p95(_timed(call, args.runs)) for call in (page, before, bare_all, bare_after)]
        ours, old, base_all, base = timed
        ratio = ours / base if base else float("inf")
        ok = "ok" if ours <= TARGET_P95_S and ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{label}: p95 {ms(ours)} (target ≤ {ms(TARGET_P95_S)}), bare SQL (checkpoints + "
            f"movements after) p95 {ms(base)}, ratio {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}) "
            f"[{ok}]; before, summing every movement: p95 {ms(old)}, bare SQL sum "
            f"{ms(base_all)}, ratio {old / base_all if base_all else float('inf'):.2f}"
        )


if __name__ == "__main__":
    main()
