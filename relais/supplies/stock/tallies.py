"""Stock and days of cover computed in the database: one hand-written aggregate query per
read (ADR 0044, second addendum), the same SQL on SQLite and PostgreSQL.

Every (active location, item) pair of the organisations gives one row
``(location id, item id, stock, use, days, below)``:

- ``stock``: units, the checkpoint plus the movements after it (or the sum of every movement
  of an organisation without checkpoints, or when ``checkpoints=False``);
- ``use``: units used a day in **hundredths** (Σ people on site of a role × units per person
  per shift of that role, rates having two decimals), so that the division is exact integer
  arithmetic: ``days = ⌊max(stock, 0) × 100 ÷ use⌋``, None when nothing is used there
  (``rules.daily_use`` and ``rules.days_of_cover``, tested equal);
- ``below``: 1 when ``days`` is known and under the location's ``threshold_days``, else 0.

Rows come by organisation, location name, item kind (the models' orderings).
"""

import datetime as dt

from django.db import connection

from .. import staffing
from ..models import Item, Location, Movement, StockCheckpoint, UsageRate

CHECKPOINT = StockCheckpoint._meta.db_table
MOVEMENT = Movement._meta.db_table
LOCATION = Location._meta.db_table
ITEM = Item._meta.db_table
RATE = UsageRate._meta.db_table
HEADCOUNT = staffing.Headcount._meta.db_table


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def checkpoint_marks(organisation_ids: list[int]) -> dict[int, int]:
    """{organisation id: movement id its checkpoints run through}, for those that have
    checkpoints (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id, MAX(through_id) FROM {CHECKPOINT} "
            f"WHERE organisation_id IN ({_marks(organisation_ids)}) GROUP BY organisation_id",
            organisation_ids,
        )
        return dict(cursor.fetchall())


def stock_sql(organisation_ids, through: dict[int, int], location_ids=None) -> tuple[str, list]:
    """A ``SELECT location_id, item_id, units`` of every location's stock (``stock_sums``):
    the checkpoints and the movements after them for the organisations in ``through``, the sum
    of every movement for the others; and its parameters."""
    only, ids = "", []
    if location_ids is not None:
        ids = [int(pk) for pk in location_ids] or [0]
        only = f" AND location_id IN ({_marks(ids)})"
    parts, params = [], []
    if through:
        kept = list(through)
        # The movements after the checkpoints are the newest rows: read by primary key from
        # the smallest ``through`` on, ``+organisation_id`` keeping the planner off the
        # organisation's index (which would read all its history).
        parts.append(
            f"SELECT location_id, item_id, units FROM {CHECKPOINT} "
            f"WHERE organisation_id IN ({_marks(kept)}){only} UNION ALL "
            f"SELECT location_id, item_id, quantity FROM {MOVEMENT} m JOIN "
            f"(SELECT organisation_id AS org, MAX(through_id) AS through FROM {CHECKPOINT} "
            f"WHERE organisation_id IN ({_marks(kept)}) GROUP BY organisation_id) k "
            f"ON k.org = +m.organisation_id WHERE m.id > %s AND m.id > k.through{only}"
        )
        params += [*kept, *ids, *kept, min(through.values()), *ids]
    rest = [pk for pk in organisation_ids if pk not in through]
    if rest:
        parts.append(
            f"SELECT location_id, item_id, quantity AS units FROM {MOVEMENT} "
            f"WHERE organisation_id IN ({_marks(rest)}){only}"
        )
        params += [*rest, *ids]
    sql = " UNION ALL ".join(parts)
    return f"SELECT location_id, item_id, SUM(units) AS units FROM ({sql}) s " + (
        "GROUP BY location_id, item_id"
    ), params


def cover_rows(
    organisation_ids,
    day: dt.date | None,
    *,
    location_ids=None,
    staffed_only: bool = False,
    checkpoints: bool = True,
) -> list[tuple]:
    """[(location id, item id, stock, use in hundredths a day, days or None, below 0/1)] of
    every active location of ``organisation_ids`` (of ``location_ids``, active or not, when
    given; only those with a declared headcount above zero when ``staffed_only``) and every
    item of its organisation. Two queries: the checkpoints' movement ids, then the cover."""
    ids = [int(pk) for pk in organisation_ids] or [0]
    through = checkpoint_marks(ids) if checkpoints else {}
    stock, stock_params = stock_sql(ids, through, location_ids)
    on_site, on_site_params = staffing.on_site_sql(ids, day)
    use = (
        "SELECT p.location_id, r.item_id, "
        "CAST(SUM(p.people * CAST(ROUND(r.per_shift * 100) AS BIGINT)) AS BIGINT) AS hundredths "
        f"FROM ({on_site}) p JOIN {RATE} r ON r.organisation_id = p.organisation_id "
        "AND r.role = p.role GROUP BY p.location_id, r.item_id"
    )
    where, where_params = f"l.organisation_id IN ({_marks(ids)})", list(ids)
    if location_ids is not None:
        chosen = [int(pk) for pk in location_ids] or [0]
        where += f" AND l.id IN ({_marks(chosen)})"
        where_params += chosen
    else:
        where += " AND l.is_active"
    if staffed_only:
        where += (
            f" AND l.id IN (SELECT location_id FROM {HEADCOUNT} "
            f"WHERE organisation_id IN ({_marks(ids)}) AND people > 0)"
        )
        where_params += ids
    sql = (
        "SELECT location_id, item_id, stock, hundredths, days, "
        "CASE WHEN days < threshold THEN 1 ELSE 0 END FROM ("
        "SELECT l.organisation_id, l.id AS location_id, l.name, l.threshold_days AS threshold, "
        "i.id AS item_id, i.kind, COALESCE(s.units, 0) AS stock, "
        "COALESCE(u.hundredths, 0) AS hundredths, CASE WHEN u.hundredths > 0 THEN "
        "(CASE WHEN s.units > 0 THEN s.units ELSE 0 END) * 100 / u.hundredths END AS days "
        f"FROM {LOCATION} l JOIN {ITEM} i ON i.organisation_id = l.organisation_id "
        f"LEFT JOIN ({stock}) s ON s.location_id = l.id AND s.item_id = i.id "
        f"LEFT JOIN ({use}) u ON u.location_id = l.id AND u.item_id = i.id WHERE {where}"
        ") c ORDER BY organisation_id, name, location_id, kind, item_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*stock_params, *on_site_params, *where_params])
        return cursor.fetchall()
