#!/usr/bin/env python
"""Benchmark of stock and days of cover: 35 landlords, 500 locations, 2,000,000 movements.

    .venv/bin/python bench/supplies.py                 # SQLite (var/bench-supplies.…sqlite3)
    .venv/bin/python bench/supplies.py --movements 200000
    DATABASE_URL=postgres://… .venv/bin/python bench/supplies.py

Seeds its own database once (landlords in one federation, locations with their declared
headcounts, the default items and usage rates, movements written set-based, then their kept
stock balances in one grouped insert), then times ``--runs`` times, in turns under the same
load, the selector the pages, the home card and the region's figures call
(``relais.supplies.stock.selectors.cover`` / ``cover_many``: stock read from the kept
balances, daily use and days of cover computed in one aggregate query, ADR 0053) against:

- **the issue's baseline**: the bare SQL sum over the movements (``SUM(quantity) … GROUP BY``,
  the same stock figures, checked before timing);
- the bare SQL of the same reads over the movements (stock, daily use and days of cover per
  location and item, the locations, the items; same rows, checked);
- for honesty, the bare SQL of the same reads over the kept balances (same rows, checked) and
  the bare read of the kept balances alone (what is left once the sum is kept).

Two reads: one landlord's stock and days of cover for every location (the stock page, the
manager's home card), on the landlord with the most movements; every landlord's, for all 500
locations (``cover_many``: one read for all landlords). Unless ``--no-before``, the former
way (``cover(…, kept=False)``, summing every movement) is timed too.

Prints each figure's p95, its target and its ratios to every baseline measured in the same
run. Targets (issue 15 §4): p95 ≤ 200 ms, ratio ≤ 2 to the bare SQL sum.
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
    from relais.supplies.stock.services import balances_rebuild, items_ensure_defaults

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
        # The stock kept beside the movements, one grouped insert (ADR 0053).
        balances_rebuild([org.pk for org in landlords])
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


def _bare_people(where) -> str:
    """People on site per location and role, as bare SQL: the staff declared on site at an
    agency location whose agency has any (two date parameters), the declared headcount
    elsewhere; ``where(alias)`` narrows to one landlord."""
    declared = (
        "SELECT d.organisation_id, s.agency_id, m.role, COUNT(*) AS people FROM "
        "continuity_declaration d JOIN continuity_staffmember s ON s.id = d.staff_id "
        "JOIN core_membership m ON m.id = s.membership_id WHERE d.day = %s "
        f"AND d.status = 'on_site' AND s.agency_id IS NOT NULL AND m.is_active{where('d.')} "
        "GROUP BY d.organisation_id, s.agency_id, m.role"
    )
    return (
        "SELECT h.organisation_id, h.location_id, h.role, h.people FROM supplies_headcount h "
        "JOIN supplies_location l ON l.id = h.location_id LEFT JOIN (SELECT DISTINCT "
        f"organisation_id, agency_id FROM ({declared}) a) x ON l.kind = 'agency' "
        "AND x.organisation_id = l.organisation_id AND x.agency_id = l.agency_id "
        f"WHERE x.agency_id IS NULL{where('h.')} UNION ALL SELECT l.organisation_id, l.id, "
        f"a.role, a.people FROM supplies_location l JOIN ({declared}) a ON "
        "a.organisation_id = l.organisation_id AND a.agency_id = l.agency_id "
        f"WHERE l.kind = 'agency'{where('l.')}"
    )


def _bare_cover(org: int | None, day: dt.date, *, kept: bool):
    """What ``cover`` reads, as bare SQL written here, for one landlord (``org``) or all at
    once (None): per location and item with a stock row or a use its stock (the kept balance,
    or the sum of every movement when not ``kept``), daily use in hundredths (people on site,
    ``_bare_people``, × the rates) and whole days of cover, then the locations and the items.
    Same rows, same result as the selector (checked by ``_same``)."""
    from django.db import connection

    def where(alias=""):
        return "" if org is None else f" AND {alias}organisation_id = %s"

    mine = [] if org is None else [org]
    today = connection.ops.adapt_datefield_value(day)
    people = _bare_people(where)
    stock = (
        "SELECT location_id, item_id, units, 0 AS hundredths FROM supplies_stockbalance"
        if kept
        else "SELECT location_id, item_id, quantity AS units, 0 AS hundredths "
        "FROM supplies_movement"
    )
    cover = (
        "SELECT location_id, item_id, stock, hundredths, CASE WHEN hundredths > 0 THEN "
        "(CASE WHEN stock > 0 THEN stock ELSE 0 END) * 100 / hundredths END FROM ("
        "SELECT location_id, item_id, SUM(units) AS stock, CAST(SUM(hundredths) AS BIGINT) "
        f"AS hundredths FROM ({stock} WHERE 1 = 1{where()} UNION ALL "
        "SELECT p.location_id, r.item_id, 0, p.people * CAST(ROUND(r.per_shift * 100) AS BIGINT) "
        f"FROM ({people}) p JOIN supplies_usagerate r ON r.organisation_id = p.organisation_id "
        "AND r.role = p.role) g GROUP BY location_id, item_id) c"
    )
    reads = [
        (cover, [*mine, today, *mine, *mine, today, *mine, *mine]),
        ("SELECT id, organisation_id, name, kind, agency_id, threshold_days, is_active "
         f"FROM supplies_location WHERE is_active{where()} ORDER BY name", mine),
        (f"SELECT id, organisation_id, kind, unit FROM supplies_item WHERE 1 = 1{where()} "
         "ORDER BY kind", mine),
    ]  # fmt: skip

    def run():
        with connection.cursor() as cursor:
            found = None
            for sql, params in reads:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                found = rows if found is None else found
        return found

    return run


def _bare_sum(org: int | None, *, kept: bool):
    """The bare stock sum alone: ``SUM(quantity) … GROUP BY`` over the movements (the issue's
    baseline; for all landlords grouped in the covering index's order, its fastest form), or
    the bare read of the kept balances when ``kept``."""
    from django.db import connection

    where = "" if org is None else " WHERE organisation_id = %s"
    mine = [] if org is None else [org]
    if kept:
        sql = f"SELECT location_id, item_id, units FROM supplies_stockbalance{where}"
    else:
        group = "location_id, item_id" if org else "organisation_id, location_id, item_id"
        sql = (
            f"SELECT location_id, item_id, SUM(quantity) FROM supplies_movement{where} "
            f"GROUP BY {group}"
        )

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, mine)
            return cursor.fetchall()

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


def _same_stock(rows, sums) -> bool:
    """The selector's stock figures are the bare sum's (a pair without a row has none)."""
    units = {(loc, item): stock for loc, item, stock in sums}
    cells = {(row.location.pk, c.item.pk): c.stock for row in rows for c in row.cells}
    active = {row.location.pk for row in rows}
    return all(units.get(key, 0) == stock for key, stock in cells.items()) and all(
        key in cells for key in units if key[0] in active
    )


def cases():
    """(label, the selector, the former way summing every movement, {baseline: bare SQL})."""
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

    def baselines(org):
        return {
            "sum": _bare_sum(org, kept=False),
            "reads": _bare_cover(org, today, kept=False),
            "kept reads": _bare_cover(org, today, kept=True),
            "kept": _bare_sum(org, kept=True),
        }

    return [
        (
            f"stock and days of cover, one landlord ({busiest['n']:,} movements)",
            lambda: cover(landlord, today),
            lambda: cover(landlord, today, kept=False),
            baselines(landlord.pk),
        ),
        (
            f"stock and days of cover, all {LOCATIONS} locations of {len(landlords)} landlords",
            lambda: [row for rows in cover_many(landlords, today).values() for row in rows],
            lambda: [cover(org, today, kept=False) for org in landlords],
            baselines(None),
        ),
    ]


def _checked(page, bare) -> dict[str, bool]:
    """{baseline: gives the selector's figures}, checked once before timing."""
    rows = page()
    return {
        "sum": _same_stock(rows, bare["sum"]()),
        "reads": _same(rows, bare["reads"]()),
        "kept reads": _same(rows, bare["kept reads"]()),
        "kept": _same_stock(rows, bare["kept"]()),
    }


def _report(label, ours, base, same) -> None:
    from region import ms

    ratio = {name: ours / taken for name, taken in base.items()}
    ok = ours <= TARGET_P95_S and ratio["sum"] <= TARGET_RATIO and all(same.values())

    def line(name, text):
        within = "≤ 2" if ratio[name] <= TARGET_RATIO else "> 2"
        figures = "yes" if same[name] else "NO"
        return (
            f"  {text} (same figures: {figures}) p95 {ms(base[name])}, "
            f"ratio {ratio[name]:.2f} ({within})"
        )

    print(
        f"{label}: p95 {ms(ours)} (target ≤ {ms(TARGET_P95_S)}); ratio to the bare SQL sum "
        f"over the movements {ratio['sum']:.2f} (target ≤ {TARGET_RATIO:.0f}) "
        f"[{'ok' if ok else 'MISSED'}]"
    )
    print(line("sum", "the issue's baseline, bare SUM(quantity) GROUP BY over the movements"))
    print(line("reads", "bare SQL of the same reads over the movements (stock, use, days, "
                        "locations, items)"))  # fmt: skip
    print(line("kept reads", "bare SQL of the same reads over the kept balances"))
    print(line("kept", "bare read of the kept balances alone"))


def main():
    from region import batch_size, machine, ms, p95, paired

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--movements", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-before", action="store_true", help="skip the former design")
    args = parser.parse_args()
    vendor = setup(args.movements)
    seconds = seed(args.movements)
    from relais.supplies.models import Movement, StockBalance

    total = Movement.objects.count()
    print(f"database: {vendor}; {total:,} movements, {LOCATIONS} locations, {LANDLORDS} landlords")
    print(f"seeded or checked in {seconds:.1f} s; {machine()}")
    print(f"kept stock balances: {StockBalance.objects.count():,} rows")
    for label, page, before, bare in cases():
        same = _checked(page, bare)
        names = list(bare)
        # The selector and every baseline, in turns, a batch of each as long as the quickest
        # bare read of the same rows lasts about 20 ms.
        batch = batch_size(bare["kept reads"])
        ours, *taken = (p95(t) for t in paired([page, *bare.values()], args.runs, batch))
        _report(
            f"{label} ({batch} calls a sample)", ours, dict(zip(names, taken, strict=True)), same
        )
        if not args.no_before:
            old, base_all = (p95(t) for t in paired([before, bare["sum"]], args.runs, 1))
            print(
                f"  before, summing every movement: p95 {ms(old)}, bare SQL sum {ms(base_all)}, "
                f"ratio {old / base_all if base_all else float('inf'):.2f}"
            )
    print(machine())


if __name__ == "__main__":
    main()
