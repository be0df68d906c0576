"""Stock and days of cover computed in the database: one hand-written aggregate query per
read (ADR 0044, second addendum), the same SQL on SQLite and PostgreSQL.

Each (location, item) pair with a stock row or someone using the item gives one row
``(location id, item id, stock, use, days)`` (``cover_rows``); the selectors put them under
their location and item, a pair without a row having no stock and no use:

- ``stock``: units, the kept balance of the pair (``StockBalance``, ADR 0053), or the sum of
  every movement when ``kept=False`` (what the balances are tested against);
- ``use``: units used a day in **hundredths** (Σ people on site of a role × units per person
  per shift of that role, rates having two decimals), so that the division is exact integer
  arithmetic: ``days = ⌊max(stock, 0) × 100 ÷ use⌋``, None when nothing is used there
  (``rules.daily_use`` and ``rules.days_of_cover``, tested equal).

One ``GROUP BY`` over the stock rows and the use rows together, unordered: measured about
half the time of joining every (location, item) pair to the grouped stock and the grouped use
and sorting them (``bench/supplies.py``).
"""

import datetime as dt

from django.db import connection

from .. import staffing
from ..models import Headcount, Item, Location, Movement, StockBalance, UsageRate

BALANCE = StockBalance._meta.db_table
LOCATION = Location._meta.db_table
ITEM = Item._meta.db_table
HEADCOUNT = Headcount._meta.db_table
ITEM_FIELDS = [field.attname for field in Item._meta.concrete_fields]
MOVEMENT = Movement._meta.db_table
RATE = UsageRate._meta.db_table


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def locations(organisation_ids, fields, *, staffed_only: bool = False) -> list[tuple]:
    """[(``fields`` of each active location)] of ``organisation_ids``, by name (the model's
    order); only those with a declared headcount above zero when ``staffed_only``. One query,
    without the ORM's cost of building it (most of a landlord's read when it was)."""
    ids = [int(pk) for pk in organisation_ids] or [0]
    sql = (
        f"SELECT {', '.join(fields)} FROM {LOCATION} "
        f"WHERE organisation_id IN ({_marks(ids)}) AND is_active"
    )
    if staffed_only:
        sql += (
            f" AND id IN (SELECT location_id FROM {HEADCOUNT} "
            f"WHERE organisation_id IN ({_marks(ids)}) AND people > 0)"
        )
        ids = [*ids, *ids]
    return _fetch(sql + " ORDER BY name, id", ids)


def items(organisation_ids) -> list[Item]:
    """The items of ``organisation_ids``, by kind (the model's order), one query."""
    ids = [int(pk) for pk in organisation_ids] or [0]
    sql = (
        f"SELECT {', '.join(ITEM_FIELDS)} FROM {ITEM} WHERE organisation_id IN ({_marks(ids)}) "
        "ORDER BY kind, id"
    )
    return [Item.from_db(connection.alias, ITEM_FIELDS, row) for row in _fetch(sql, ids)]


def _stock_parts(organisation_ids, location_ids, *, kept: bool, extra="") -> tuple[str, list]:
    """The ``SELECT location_id, item_id, units{extra}`` of ``stock_sql`` before their sum:
    the kept balances (one row per location and item, ADR 0053), or every movement when
    ``kept`` is False (the plain sum the balances are tested against)."""
    only, ids = "", []
    if location_ids is not None:
        ids = [int(pk) for pk in location_ids] or [0]
        only = f" AND location_id IN ({_marks(ids)})"
    if kept:
        sql = f"SELECT location_id, item_id, units{extra} FROM {BALANCE} "
    else:
        sql = f"SELECT location_id, item_id, quantity AS units{extra} FROM {MOVEMENT} "
    sql += f"WHERE organisation_id IN ({_marks(organisation_ids)}){only}"
    return sql, [*organisation_ids, *ids]


def stock_sql(organisation_ids, location_ids=None, *, kept: bool = True) -> tuple[str, list]:
    """A ``SELECT location_id, item_id, units`` of every location's stock (``stock_sums``),
    from the kept balances (or the sum of every movement when ``kept`` is False); and its
    parameters."""
    ids = [int(pk) for pk in organisation_ids] or [0]
    part, params = _stock_parts(ids, location_ids, kept=kept)
    sql = f"SELECT location_id, item_id, SUM(units) AS units FROM ({part}) s "
    return sql + "GROUP BY location_id, item_id", params


def cover_rows(
    organisation_ids, day: dt.date | None, *, location_ids=None, kept: bool = True
) -> list[tuple]:
    """[(location id, item id, stock, use in hundredths a day, days or None)] of the locations
    of ``organisation_ids`` (of ``location_ids`` when given) that have a stock row or staff
    using the item; a pair without a row has no stock and no use. One query: a ``GROUP BY``
    over the stock rows (the kept balances, or every movement when ``kept`` is False) and the
    use rows (people on site × rates, ``staffing.on_site_sql``) together."""
    ids = [int(pk) for pk in organisation_ids] or [0]
    stock, params = _stock_parts(ids, location_ids, kept=kept, extra=", 0 AS hundredths")
    parts = [stock]
    on_site, on_site_params = staffing.on_site_sql(ids, day)
    only = ""
    if location_ids is not None:
        chosen = [int(pk) for pk in location_ids] or [0]
        only = f" WHERE p.location_id IN ({_marks(chosen)})"
        on_site_params = [*on_site_params, *chosen]
    parts.append(
        "SELECT p.location_id, r.item_id, 0, p.people * CAST(ROUND(r.per_shift * 100) AS BIGINT) "
        f"FROM ({on_site}) p JOIN {RATE} r ON r.organisation_id = p.organisation_id "
        f"AND r.role = p.role{only}"
    )
    sql = (
        "SELECT location_id, item_id, stock, hundredths, CASE WHEN hundredths > 0 THEN "
        "(CASE WHEN stock > 0 THEN stock ELSE 0 END) * 100 / hundredths END FROM ("
        "SELECT location_id, item_id, SUM(units) AS stock, "
        "CAST(SUM(hundredths) AS BIGINT) AS hundredths FROM ("
        f"{' UNION ALL '.join(parts)}) g GROUP BY location_id, item_id) c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *on_site_params])
        return cursor.fetchall()
