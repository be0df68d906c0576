#!/usr/bin/env python
"""Benchmark of stock and days of cover: 35 landlords, 500 locations, 2,000,000 movements.

    .venv/bin/python bench/supplies.py                 # SQLite (var/bench-supplies.sqlite3)
    .venv/bin/python bench/supplies.py --movements 200000
    DATABASE_URL=postgres://… .venv/bin/python bench/supplies.py

Seeds its own database once (landlords in one federation, locations with their declared
headcounts, the default items and usage rates, movements written set-based), then times
``--runs`` times, in turns under the same load, the selector the pages, the home card and the
region's figures call (``relais.supplies.stock.selectors.cover`` / ``cover_many``: stock,
daily use and days of cover computed in one aggregate query), the bare SQL of the same reads
written here (same rows, same result: checked before timing) and the bare stock sum alone
(``SUM … GROUP BY`` over the checkpoints and the movements after them):

- one landlord's stock and days of cover for every location (the stock page, the manager's
  home card), on the landlord with the most movements;
- every landlord's, for all 500 locations (``cover_many``: one read for all landlords).

Both are read through the stock checkpoints (built once as the nightly task does, then
``--tail`` movements after them) and, in the same run (unless ``--no-before``), the former
way (summing every movement) against the bare ``SUM … GROUP BY`` over the movements.

Prints each figure's p95, its target and its ratios to both bare SQL measured in the same run.
Targets (issue 15 §4): p95 ≤ 200 ms, ratio ≤ 2 (to both).
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


def _bare_cover(org: int | None, day: dt.date):
    """What ``cover`` reads, as bare SQL written here, for one landlord (``org``) or all at
    once (None): the checkpoints' movement ids, then per location and item with a movement or
    a use its stock (checkpoints + movements after them), daily use in hundredths (the staff
    declared on site at an agency that has any, the declared headcount elsewhere, × the rates)
    and whole days of cover, then the locations and the items. Same rows, same result as the
    selector (checked by ``_same``)."""
    from django.db import connection

    def where(alias=""):
        return "" if org is None else f" AND {alias}organisation_id = %s"

    mine = [] if org is None else [org]
    today = connection.ops.adapt_datefield_value(day)
    declared = (
        "SELECT d.organisation_id, s.agency_id, m.role, COUNT(*) AS people FROM "
        "continuity_declaration d JOIN continuity_staffmember s ON s.id = d.staff_id "
        "JOIN core_membership m ON m.id = s.membership_id WHERE d.day = %s "
        f"AND d.status = 'on_site' AND s.agency_id IS NOT NULL AND m.is_active{where('d.')} "
        "GROUP BY d.organisation_id, s.agency_id, m.role"
    )
    people = (
        "SELECT h.organisation_id, h.location_id, h.role, h.people FROM supplies_headcount h "
        "JOIN supplies_location l ON l.id = h.location_id LEFT JOIN (SELECT DISTINCT "
        f"organisation_id, agency_id FROM ({declared}) a) x ON l.kind = 'agency' "
        "AND x.organisation_id = l.organisation_id AND x.agency_id = l.agency_id "
        f"WHERE x.agency_id IS NULL{where('h.')} UNION ALL SELECT l.organisation_id, l.id, "
        f"a.role, a.people FROM supplies_location l JOIN ({declared}) a ON "
        "a.organisation_id = l.organisation_id AND a.agency_id = l.agency_id "
        f"WHERE l.kind = 'agency'{where('l.')}"
    )
    cover = (
        "SELECT location_id, item_id, stock, hundredths, CASE WHEN hundredths > 0 THEN "
        "(CASE WHEN stock > 0 THEN stock ELSE 0 END) * 100 / hundredths END FROM ("
        "SELECT location_id, item_id, SUM(units) AS stock, CAST(SUM(hundredths) AS BIGINT) "
        "AS hundredths FROM (SELECT location_id, item_id, units, 0 AS hundredths FROM "
        f"supplies_stockcheckpoint WHERE 1 = 1{where()} UNION ALL "
        "SELECT m.location_id, m.item_id, m.quantity, 0 FROM supplies_movement m JOIN "
        "(SELECT organisation_id, MAX(through_id) AS through FROM supplies_stockcheckpoint "
        f"WHERE 1 = 1{where()} GROUP BY organisation_id) k ON k.organisation_id = "
        "+m.organisation_id WHERE m.id > %s AND m.id > k.through UNION ALL "
        "SELECT p.location_id, r.item_id, 0, p.people * CAST(ROUND(r.per_shift * 100) AS BIGINT) "
        f"FROM ({people}) p JOIN supplies_usagerate r ON r.organisation_id = p.organisation_id "
        "AND r.role = p.role) g GROUP BY location_id, item_id) c"
    )
    reads = [
        ("SELECT id, organisation_id, name, kind, agency_id, threshold_days, is_active "
         f"FROM supplies_location WHERE is_active{where()} ORDER BY name", mine),
        (f"SELECT id, organisation_id, kind, unit FROM supplies_item WHERE 1 = 1{where()} "
         "ORDER BY kind", mine),
    ]  # fmt: skip

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT organisation_id, MAX(through_id) FROM supplies_stockcheckpoint "
                f"WHERE 1 = 1{where()} GROUP BY organisation_id",
                mine,
            )
            through = min((mark for _, mark in cursor.fetchall()), default=0)
            cursor.execute(
                cover,
                [*mine, *mine, through, today, *mine, *mine, today, *mine, *mine],
            )
            found = cursor.fetchall()
            for sql, params in reads:
                cursor.execute(sql, params)
                cursor.fetchall()
        return found

    return run


def _same(rows, bare) -> bool:
    """The selector's cells are the bare SQL's figures (stock, use, days; a pair without a row
    has none), and every row of an active location is among them."""
    figures = {(loc, item): (stock, use, days) for loc, item, stock, use, days in bare}
    cells = {
        (row.location.pk, c.item.pk): (c.stock, c.use, c.days) for row in rows for c in row.cells
    }
    active = {row.location.pk for row in rows}
    return all(figures.get(key, (0, 0, None)) == value for key, value in cells.items()) and all(
        key in cells for key in figures if key[0] in active
    )


def _bare_sum(org: int | None):
    """The bare stock sum alone: checkpoints + movements after them, ``SUM … GROUP BY``."""
    from django.db import connection

    where = "" if org is None else " AND organisation_id = %s"
    mine = [] if org is None else [org]
    sql = (
        "SELECT location_id, item_id, SUM(units) FROM (SELECT location_id, item_id, units "
        f"FROM supplies_stockcheckpoint WHERE 1 = 1{where} UNION ALL "
        "SELECT m.location_id, m.item_id, m.quantity FROM supplies_movement m JOIN "
        "(SELECT organisation_id, MAX(through_id) AS through FROM supplies_stockcheckpoint "
        f"WHERE 1 = 1{where} GROUP BY organisation_id) k ON k.organisation_id = "
        "+m.organisation_id WHERE m.id > %s AND m.id > k.through) s GROUP BY location_id, item_id"
    )

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(through_id) FROM supplies_stockcheckpoint WHERE 1 = 1{where}", mine
            )
            through = cursor.fetchone()[0] or 0
            cursor.execute(sql, [*mine, *mine, through])
            return cursor.fetchall()

    return run


def cases():
    """(label, cover with the checkpoints, the bare SQL of the same reads, the bare stock sum,
    cover summing every movement, the bare sum over every movement)."""
    from django.db.models import Count
    from django.utils import timezone

    from relais.core.models import Organisation
    from relais.supplies.models import Movement
    from relais.supplies.stock.selectors import cover, cover_many

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
            _bare_cover(landlord.pk, today),
            _bare_sum(landlord.pk),
            lambda: cover(landlord, today, checkpoints=False),
            _bare(
                f"{group} WHERE organisation_id = %s GROUP BY location_id, item_id",
                [landlord.pk],
            ),
        ),
        (
            f"stock and days of cover, all {LOCATIONS} locations of {len(landlords)} landlords",
            lambda: [row for rows in cover_many(landlords, today).values() for row in rows],
            _bare_cover(None, today),
            _bare_sum(None),
            lambda: [cover(org, today, checkpoints=False) for org in landlords],
            # Grouped in the covering index's order: the fastest bare form.
            _bare(f"{group} GROUP BY organisation_id, location_id, item_id", []),
        ),
    ]


def main():
    from region import batch_size, machine, ms, p95, paired

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--movements", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tail", type=int, default=5_000, help="movements after checkpoints")
    parser.add_argument("--no-before", action="store_true", help="skip the former design")
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
    for label, page, bare, bare_sum, before, bare_all in cases():
        same = _same(page(), bare())
        # The selector, the bare SQL of the same reads and the bare sum, in turns.
        batch = batch_size(bare)
        ours, base, base_sum = (p95(t) for t in paired([page, bare, bare_sum], args.runs, batch))
        ratio, ratio_sum = ours / base, ours / base_sum
        ok = ours <= TARGET_P95_S and max(ratio, ratio_sum) <= TARGET_RATIO
        print(
            f"{label}: p95 {ms(ours)} (target ≤ {ms(TARGET_P95_S)}); bare SQL of the same reads "
            f"(stock, use and days of cover per location and item, locations, items; same rows: "
            f"{'yes' if same else 'NO'}) p95 {ms(base)}, ratio {ratio:.2f}; bare stock sum "
            f"alone p95 {ms(base_sum)}, ratio {ratio_sum:.2f} (target ≤ {TARGET_RATIO:.0f}) "
            f"[{'ok' if ok and same else 'MISSED'}] ({batch} calls a sample)"
        )
        if not args.no_before:
            old, base_all = (p95(taken) for taken in paired([before, bare_all], args.runs, 1))
            print(
                f"  before, summing every movement: p95 {ms(old)}, bare SQL sum {ms(base_all)}, "
                f"ratio {old / base_all if base_all else float('inf'):.2f}"
            )


if __name__ == "__main__":
    main()
