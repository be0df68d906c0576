"""Reads for the stock pages, the home card and the bench: stock and days of cover.

``cover(organisation, day)`` answers for every location of a landlord in three queries (the
locations, the items and one aggregate query computing each cell's stock, daily use and days
of cover in the database, ``tallies.cover_rows``), reading the kept stock balances, so
whatever the number of movements (ADR 0044, ADR 0053); Python only puts the rows under their
location and item.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncWeek

from .. import rules
from ..models import Item, Location, LocationKind, Movement, MovementKind, UsageRate
from . import tallies


class Cell(NamedTuple):
    """One item at one location: units in stock, units used a day in hundredths (``use``),
    whole days of cover (None: nobody uses it there), under the location's threshold."""

    item: Item
    stock: int
    use: int
    days: int | None
    below: bool

    @property
    def per_day(self) -> Decimal:
        """Units used a day."""
        return Decimal(self.use) / 100


class Place(NamedTuple):
    """A stock location as the cover reads give it: read through a cursor (building 500
    model instances took longer than the query computing their cover), with what the pages
    and the home card use of a ``Location``."""

    id: int
    organisation_id: int
    name: str
    kind: str
    threshold_days: int

    @property
    def pk(self) -> int:
        return self.id

    def get_kind_display(self) -> str:
        return dict(LocationKind.choices).get(self.kind, self.kind)

    def __str__(self) -> str:
        return self.name


PLACE_FIELDS = Place._fields


def _places(organisation_ids, *, staffed_only: bool = False) -> list[Place]:
    """``Place`` of the active locations, by name (``tallies.locations``: one query)."""
    rows = tallies.locations(organisation_ids, PLACE_FIELDS, staffed_only=staffed_only)
    return list(map(Place._make, rows))


NOTHING = (0, 0, None)  # no movement and nobody using the item: no stock, no cover


@dataclass
class LocationCover:
    location: Place | Location
    cells: list[Cell] = field(default_factory=list)

    @property
    def below(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.below]

    @property
    def shortest(self) -> Cell | None:
        known = [cell for cell in self.cells if cell.days is not None]
        return min(known, key=lambda cell: cell.days) if known else None


def stock_sums(organisation, location_ids=None) -> dict[tuple[int, int], int]:
    """{(location id, item id): units} of the landlord, read from the kept balances (ADR 0053):
    the sum of every movement (``movement_sums``, tested after every kind of movement). One
    query (``tallies.stock_sql``); a pair that never had a movement has no key."""
    sql, params = tallies.stock_sql([organisation.pk], location_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(location_id, item_id): units for location_id, item_id, units in cursor}


def movement_sums(organisation, location_ids=None) -> dict[tuple[int, int], int]:
    """{(location id, item id): units}: the sum of every movement (the truth the kept balances
    are tested against)."""
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


def cover(
    organisation, day: dt.date | None, locations=None, *, kept: bool = True
) -> list[LocationCover]:
    """Stock and days of cover of every item at each active location (or ``locations``),
    computed in the database (``tallies.cover_rows``): three queries (two with ``locations``
    given). Rows name each location as a ``Place`` (the ``Location`` given in ``locations``).
    ``kept=False`` sums every movement instead of reading the balances (the former way, for
    the bench and the tests)."""
    if locations is None:
        locations = _places([organisation.pk])
        chosen = None
    else:
        chosen = [location.pk for location in locations]
    items = tallies.items([organisation.pk])
    rows = tallies.cover_rows([organisation.pk], day, location_ids=chosen, kept=kept)
    return _rows(locations, items, rows)


def locations_below(organisation, day: dt.date) -> list[LocationCover]:
    """The active locations with staff declared on site where an item lasts fewer days than
    their threshold, shortest cover first; three queries."""
    locations = _places([organisation.pk], staffed_only=True)
    items = tallies.items([organisation.pk])
    rows = tallies.cover_rows([organisation.pk], day)
    below = [row for row in _rows(locations, items, rows) if row.below]
    below.sort(key=lambda row: (row.shortest.days, row.location.name))
    return below


def cover_many(organisations, day: dt.date | None) -> dict[int, list[LocationCover]]:
    """{organisation id: ``cover(organisation, day)``} for many organisations at once (the
    region's figures: the federation, the bench), in three queries whatever their number."""
    ids = [organisation.pk for organisation in organisations]
    locations = _places(ids)
    items = tallies.items(ids)
    found = _rows(locations, items, tallies.cover_rows(ids, day))
    by_org: dict[int, list[LocationCover]] = {pk: [] for pk in ids}
    for row in found:
        by_org[row.location.organisation_id].append(row)
    return by_org


def _rows(locations, items, rows) -> list[LocationCover]:
    """``LocationCover`` of ``locations`` (in their order), a cell per item of the location's
    organisation (in the items' order), from ``tallies.cover_rows``; Python only places the
    figures and compares the days with the location's threshold."""
    items_of: dict[int, list[tuple[int, Item]]] = {}
    for item in items:
        items_of.setdefault(item.organisation_id, []).append((item.id, item))
    figures = {(loc, item): (stock, use, days) for loc, item, stock, use, days in rows}
    get, new, result = figures.get, tuple.__new__, []
    for location in locations:
        pk, threshold, cells = location.id, location.threshold_days, []
        for item_id, item in items_of.get(location.organisation_id, ()):
            stock, use, days = get((pk, item_id), NOTHING)
            below = days is not None and days < threshold
            cells.append(new(Cell, (item, stock, use, days, below)))
        result.append(LocationCover(location, cells))
    return result


def overall(rows: list[LocationCover]) -> list[Cell]:
    """Each item over every location: total stock, total use a day, days of cover, and below
    the threshold by the locations' rule (``rules.below_threshold``) with the strictest
    (largest) threshold of the locations using the item."""
    stock: dict[int, int] = {}
    use: dict[int, int] = {}
    threshold: dict[int, int] = {}
    items: dict[int, Item] = {}
    for row in rows:
        for cell in row.cells:
            pk = cell.item.pk
            items[pk] = cell.item
            stock[pk] = stock.get(pk, 0) + cell.stock
            use[pk] = use.get(pk, 0) + cell.use
            if cell.use > 0:
                threshold[pk] = max(threshold.get(pk, 0), row.location.threshold_days)
    cells = []
    for pk, item in items.items():
        days = rules.whole_days(stock[pk], use[pk])
        below = rules.below_threshold(days, threshold.get(pk, 0))
        cells.append(Cell(item, stock[pk], use[pk], days, below))
    return cells


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


def most_issued(location) -> int | None:
    """The id of the item most issued at ``location`` (units, every issue), None if nothing
    was ever issued there; one query."""
    row = (
        Movement.objects.filter(
            organisation_id=location.organisation_id, location=location, kind=MovementKind.ISSUE
        )
        .order_by()
        .values("item_id")
        .annotate(units=Sum("quantity"))
        .order_by("units", "item_id")
        .first()
    )
    return row["item_id"] if row else None


def recent_movements(location, limit: int = 30):
    return list(
        Movement.objects.filter(organisation_id=location.organisation_id, location=location)
        .select_related("item", "other_location", "recorded_by")
        .order_by("-occurred_at", "-id")[:limit]
    )
