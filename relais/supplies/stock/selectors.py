"""Reads for the stock pages, the home card and the bench: stock and days of cover.

``cover(organisation, day)`` answers for every location of a landlord in six queries (the
locations, the items, the usage rates, the headcounts and the staff declared on site that day
(eight when some did), the checkpoints' movement id and one ``SUM … GROUP BY`` over the stock
checkpoints and the movements after them), whatever the number of movements (ADR 0044).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncWeek

from .. import rules, staffing
from ..models import (
    Headcount,
    Item,
    Location,
    Movement,
    MovementKind,
    StockCheckpoint,
    UsageRate,
)


@dataclass
class Cell:
    """One item at one location: units in stock, units used a day, whole days of cover."""

    item: Item
    stock: int
    per_day: Decimal
    days: int | None
    below: bool


@dataclass
class LocationCover:
    location: Location
    cells: list[Cell] = field(default_factory=list)

    @property
    def below(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.below]

    @property
    def shortest(self) -> Cell | None:
        known = [cell for cell in self.cells if cell.days is not None]
        return min(known, key=lambda cell: cell.days) if known else None


def stock_sums(organisation, location_ids=None) -> dict[tuple[int, int], int]:
    """{(location id, item id): units} of the landlord: its checkpoints plus the movements
    after them (ADR 0044), or the sum of every movement when it has no checkpoint yet; either
    way the sum of every movement (``movement_sums``, tested). Two queries: the checkpoints'
    movement id, then one grouped ``UNION ALL`` (hand-written)."""
    checkpoint, movement = StockCheckpoint._meta.db_table, Movement._meta.db_table
    org = organisation.pk
    with connection.cursor() as cursor:
        sql = f"SELECT MAX(through_id) FROM {checkpoint} WHERE organisation_id = %s"
        cursor.execute(sql, [org])
        through = cursor.fetchone()[0]
    if through is None:
        return movement_sums(organisation, location_ids)
    only, params = "", []
    if location_ids is not None:
        ids = [int(pk) for pk in location_ids] or [0]
        only = f" AND location_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    # The movements after the checkpoint are the newest rows of the table: read by primary key
    # from ``through`` on (``+organisation_id`` keeps the planner off the organisation's index,
    # which would read all its history).
    sql = (
        f"SELECT location_id, item_id, SUM(units) FROM (SELECT location_id, item_id, units "
        f"FROM {checkpoint} WHERE organisation_id = %s{only} UNION ALL "
        f"SELECT location_id, item_id, quantity FROM {movement} WHERE id > %s "
        f"AND +organisation_id = %s{only}) stock GROUP BY location_id, item_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [org, *params, through, org, *params])
        return {(location_id, item_id): units for location_id, item_id, units in cursor}


def movement_sums(organisation, location_ids=None) -> dict[tuple[int, int], int]:
    """{(location id, item id): units}: the sum of every movement, without checkpoints (what
    the checkpoints are verified against)."""
    rows = Movement.objects.filter(organisation=organisation)
    if location_ids is not None:
        rows = rows.filter(location_id__in=location_ids)
    rows = rows.order_by().values_list("location_id", "item_id").annotate(units=Sum("quantity"))
    return {(location_id, item_id): units for location_id, item_id, units in rows}


def rates_by_item(organisation) -> dict[int, dict[str, Decimal]]:
    """{item id: {role: units per person per shift}}."""
    found: dict[int, dict[str, Decimal]] = {}
    for item_id, role, per_shift in UsageRate.objects.filter(organisation=organisation).values_list(
        "item_id", "role", "per_shift"
    ):
        found.setdefault(item_id, {})[role] = per_shift
    return found


def cover(organisation, day: dt.date, locations=None, *, sums=stock_sums) -> list[LocationCover]:
    """Stock and days of cover of every item at each active location (or ``locations``):
    seven queries (six with ``locations`` given; one more when staff declared their day).
    ``sums`` reads the stock (``movement_sums``: without the checkpoints, for the bench)."""
    every = locations is None
    if every:
        locations = list(Location.objects.for_organisation(organisation).filter(is_active=True))
    items = list(Item.objects.for_organisation(organisation))
    sums = sums(organisation, None if every else [location.pk for location in locations])
    return _cover(organisation, day, locations, items, rates_by_item(organisation), sums)


def locations_below(organisation, day: dt.date) -> list[LocationCover]:
    """The active locations with staff on site where an item lasts fewer days than their
    threshold, shortest cover first; five queries (items come with their rates: an item
    nobody uses never runs low)."""
    rates: dict[int, dict[str, Decimal]] = {}
    items: dict[int, Item] = {}
    for rate in UsageRate.objects.filter(organisation=organisation).select_related("item"):
        items[rate.item_id] = rate.item
        rates.setdefault(rate.item_id, {})[rate.role] = rate.per_shift
    locations = list(
        Location.objects.for_organisation(organisation).filter(
            is_active=True,
            pk__in=Headcount.objects.filter(organisation=organisation, people__gt=0).values(
                "location_id"
            ),
        )
    )
    items_in_order = sorted(items.values(), key=lambda i: i.kind)
    # The whole landlord's sums: the index is read by organisation alone, no IN list.
    rows = _cover(organisation, day, locations, items_in_order, rates, stock_sums(organisation))
    below = [row for row in rows if row.below]
    below.sort(key=lambda row: (row.shortest.days, row.location.name))
    return below


def stock_sums_many(organisation_ids) -> dict[tuple[int, int], int]:
    """{(location id, item id): units} of every location of ``organisation_ids`` (ids are
    unique across organisations), as ``stock_sums`` reads them, in two or three queries
    whatever the number of organisations: their checkpoints' movement ids; the checkpoints and
    the movements after each organisation's; the plain sums of those without checkpoints."""
    checkpoint, movement = StockCheckpoint._meta.db_table, Movement._meta.db_table
    ids = [int(pk) for pk in organisation_ids] or [0]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id, MAX(through_id) FROM {checkpoint} "
            f"WHERE organisation_id IN ({marks}) GROUP BY organisation_id",
            ids,
        )
        through = dict(cursor.fetchall())
    found: dict[tuple[int, int], int] = {}
    if through:
        kept = ", ".join(["%s"] * len(through))
        sql = (
            f"SELECT location_id, item_id, SUM(units) FROM (SELECT location_id, item_id, units "
            f"FROM {checkpoint} WHERE organisation_id IN ({kept}) UNION ALL "
            f"SELECT m.location_id, m.item_id, m.quantity FROM {movement} m JOIN "
            f"(SELECT organisation_id, MAX(through_id) AS through FROM {checkpoint} "
            f"WHERE organisation_id IN ({kept}) GROUP BY organisation_id) k "
            "ON k.organisation_id = +m.organisation_id WHERE m.id > %s AND m.id > k.through"
            ") stock GROUP BY location_id, item_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*through, *through, min(through.values())])
            found.update(((loc, item), units) for loc, item, units in cursor)
    rest = [pk for pk in ids if pk not in through]
    if rest:
        rows = Movement.objects.filter(organisation_id__in=rest).order_by()
        rows = rows.values_list("location_id", "item_id").annotate(units=Sum("quantity"))
        found.update(((loc, item), units) for loc, item, units in rows)
    return found


def cover_many(organisations, day: dt.date) -> dict[int, list[LocationCover]]:
    """{organisation id: ``cover(organisation, day)``} for many organisations at once (the
    region's figures: the federation, the bench), in nine queries whatever their number."""
    ids = [organisation.pk for organisation in organisations]
    locations = list(Location.objects.filter(organisation_id__in=ids, is_active=True))
    items = list(Item.objects.filter(organisation_id__in=ids))
    rates: dict[int, dict[str, Decimal]] = {}
    for item_id, role, per_shift in UsageRate.objects.filter(organisation_id__in=ids).values_list(
        "item_id", "role", "per_shift"
    ):
        rates.setdefault(item_id, {})[role] = per_shift
    people = staffing.headcounts_many(ids, day)
    sums = stock_sums_many(ids)
    by_org: dict[int, tuple[list, list]] = {pk: ([], []) for pk in ids}
    for location in locations:
        by_org[location.organisation_id][0].append(location)
    for item in items:
        by_org[item.organisation_id][1].append(item)
    return {
        pk: _cover(None, day, mine, its, rates, sums, people=people)
        for pk, (mine, its) in by_org.items()
    }


def _cover(organisation, day, locations, items, rates, sums, people=None) -> list[LocationCover]:
    people = staffing.headcounts(organisation, day) if people is None else people
    result = []
    for location in locations:
        row = LocationCover(location)
        on_site = people.get(location.pk, {})
        for item in items:
            stock = sums.get((location.pk, item.pk), 0)
            per_day = rules.daily_use(on_site, rates.get(item.pk, {}))
            days = rules.days_of_cover(stock, per_day)
            below = rules.below_threshold(days, location.threshold_days)
            row.cells.append(Cell(item, stock, per_day, days, below))
        result.append(row)
    return result


def overall(rows: list[LocationCover]) -> list[Cell]:
    """Each item over every location: total stock, total use a day, days of cover."""
    totals: dict[int, Cell] = {}
    for row in rows:
        for cell in row.cells:
            total = totals.setdefault(cell.item.pk, Cell(cell.item, 0, Decimal(0), None, False))
            total.stock += cell.stock
            total.per_day += cell.per_day
    for total in totals.values():
        total.days = rules.days_of_cover(total.stock, total.per_day)
    return list(totals.values())


def weekly_issues(organisation, item, location=None, weeks: int = 8, today=None):
    """[(Monday, units issued)] for the last ``weeks`` weeks, oldest first (zero-filled)."""
    today = today or dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    rows = Movement.objects.filter(
        organisation=organisation, kind=MovementKind.ISSUE, item=item, occurred_at__date__gte=first
    )
    if location is not None:
        rows = rows.filter(location=location)
    found = {
        (week.date() if isinstance(week, dt.datetime) else week): -units
        for week, units in rows.order_by()
        .annotate(week=TruncWeek("occurred_at"))
        .values_list("week")
        .annotate(units=Sum("quantity"))
    }
    return [
        (first + dt.timedelta(weeks=n), found.get(first + dt.timedelta(weeks=n), 0))
        for n in range(weeks)
    ]


def recent_movements(location, limit: int = 30):
    return list(
        Movement.objects.filter(organisation_id=location.organisation_id, location=location)
        .select_related("item", "other_location", "recorded_by")
        .order_by("-occurred_at", "-id")[:limit]
    )
