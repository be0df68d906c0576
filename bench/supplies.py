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
- every landlord's, for all 500 locations (``cover_many``: the same reads for all landlords at
  once).

Both are read through the stock checkpoints (built once as the nightly task does, then
``--tail`` movements after them) and, in the same run, the former way (summing every
movement) against the bare ``SUM … GROUP BY`` over the movements.

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


def _bare_cover(org: int | None):
    """The reads of ``cover`` as bare SQL, for one landlord (``org``) or all at once (None):
    the checkpoints' movement id, the stock (checkpoints + movements after them), the
    locations, items, usage rates, headcounts and staff declared on site by agency."""
    from django.db import connection

    def where(alias=""):
        return "" if org is None else f" AND {alias}organisation_id = %s"

    mine = [] if org is None else [org]
    reads = [
        ("SELECT id, name, kind, agency_id, threshold_days FROM supplies_location "
         f"WHERE is_active{where()}", mine),
        (f"SELECT id, kind, unit FROM supplies_item WHERE 1 = 1{where()}", mine),
        (f"SELECT item_id, role, per_shift FROM supplies_usagerate WHERE 1 = 1{where()}", mine),
        (f"SELECT location_id, role, people FROM supplies_headcount WHERE 1 = 1{where()}", mine),
        ("SELECT s.agency_id, m.role, COUNT(*) FROM continuity_declaration d JOIN "
         "continuity_staffmember s ON s.id = d.staff_id JOIN core_membership m ON "
         "m.id = s.membership_id WHERE d.day = %s AND d.status = 'on_site' AND "
         f"s.agency_id IS NOT NULL AND m.is_active{where('d.')} GROUP BY s.agency_id, m.role",
         [connection.ops.adapt_datefield_value(dt.date.today()), *mine]),
    ]  # fmt: skip

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(through_id) FROM supplies_stockcheckpoint WHERE 1 = 1{where()}", mine
            )
            through = cursor.fetchone()[0] or 0
            cursor.execute(
                "SELECT organisation_id, location_id, item_id, SUM(units) FROM ("
                "SELECT organisation_id, location_id, item_id, units FROM "
                f"supplies_stockcheckpoint WHERE 1 = 1{where()} UNION ALL "
                "SELECT m.organisation_id, m.location_id, m.item_id, m.quantity FROM "
                "supplies_movement m JOIN (SELECT organisation_id, MAX(through_id) AS through "
                f"FROM supplies_stockcheckpoint WHERE 1 = 1{where()} GROUP BY organisation_id) k "
                f"ON k.organisation_id = +m.organisation_id WHERE m.id > %s AND m.id > k.through"
                ") s GROUP BY organisation_id, location_id, item_id",
                [*mine, *mine, through],
            )
            found = cursor.fetchall()
            for sql, params in reads:
                cursor.execute(sql, params)
                found += cursor.fetchall()
        return found

    return run


def cases():
    """(label, cover with the checkpoints, cover summing every movement, the bare sum over
    every movement, the bare SQL of what ``cover`` reads with the checkpoints)."""
    from django.db.models import Count
    from django.utils import timezone

    from relais.core.models import Organisation
    from relais.supplies.models import Movement
    from relais.supplies.stock.selectors import cover, cover_many, movement_sums

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
    return [
        (
            f"stock and days of cover, one landlord ({busiest['n']:,} movements)",
            lambda: cover(landlord, today),
            lambda: cover(landlord, today, sums=movement_sums),
            _bare(
                f"{group} WHERE organisation_id = %s GROUP BY location_id, item_id",
                [landlord.pk],
            ),
            _bare_cover(landlord.pk),
        ),
        (
            f"stock and days of cover, all {LOCATIONS} locations of {len(landlords)} landlords",
            lambda: cover_many(landlords, today),
            lambda: [cover(org, today, sums=movement_sums) for org in landlords],
            # Grouped in the covering index's order: the fastest bare form.
            _bare(f"{group} GROUP BY organisation_id, location_id, item_id", []),
            _bare_cover(None),
        ),
    ]


def main():
    from region import batch_size, machine, ms, p95, paired

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
        # The selector and its bare SQL in turns, then the former design and its bare sum.
        batch = batch_size(bare_after)
        ours, base = (p95(taken) for taken in paired([page, bare_after], args.runs, batch))
        old, base_all = (p95(taken) for taken in paired([before, bare_all], args.runs, 1))
        ratio = ours / base if base else float("inf")
        ok = "ok" if ours <= TARGET_P95_S and ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{label}: p95 {ms(ours)} (target ≤ {ms(TARGET_P95_S)}), bare SQL of the same reads "
            f"(checkpoints + movements after, locations, items, rates, headcounts) p95 "
            f"{ms(base)}, ratio {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}) [{ok}] ({batch} calls "
            f"a sample); before, summing every movement: p95 {ms(old)}, bare SQL sum "
            f"{ms(base_all)}, ratio {old / base_all if base_all else float('inf'):.2f}"
        )


if __name__ == "__main__":
    main()
