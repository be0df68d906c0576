"""The day's call list: one selection of the people due, the sharing in memory, one insert
(ADR 0039).

Who is due: the followed people of the organisation's active campaigns (started, not ended)
whose ``next_due_on`` is today or past, not yet on today's list. How they are shared among the
callers on duty (``caller_ids``; :func:`share`):

0. the callers on duty are those of the weekly rota for the day, less the absent
   (``callers_on_duty``);
1. each caller gets at most ``cap = ceil(due / callers)`` people;
2. a person keeps the caller who last called them when that caller is on duty and still has
   room (the oldest due first);
3. the others fill the remaining room of each caller in turn (callers by id, people by due
   date then id).

So loads differ by at most one person per caller above the cap, and nobody is counted twice
(``(follow, day)`` is unique; the insert ignores rows already there, so a second run, or two
concurrent runs, add nothing). Positions number each caller's people, the oldest due first.

Until the rota the sharing was one ``INSERT … WITH … SELECT`` with window functions; on
20,000 people its three sorts and range join cost six times the bare selection of the people
due (``bench/outreach.py``), where the same sharing over the selected rows costs a few
milliseconds in Python. The rows go back in one statement (``json_each`` on SQLite,
``unnest`` on PostgreSQL), not one per person.
"""

import datetime as dt
import json
import math

from django.db import connection

from relais.core.models import Membership
from relais.core.roles import Role

from .models import RotaSlot

DUE_SQL = """
SELECT f.id, f.entry_id FROM outreach_follow f JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
"""
# The people due not yet on the day's list, the oldest due first: (follow, campaign, last caller).
_DUE_NOT_LISTED = """
SELECT f.id, f.campaign_id, f.caller_id FROM outreach_follow f
JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
  AND NOT EXISTS (SELECT 1 FROM outreach_listitem li WHERE li.follow_id = f.id AND li.day = %(day)s)
ORDER BY f.next_due_on, f.id
"""
_COLUMNS = "(organisation_id, follow_id, campaign_id, day, caller_id, position, attempts)"
_INSERT = {
    "sqlite": f"""
INSERT INTO outreach_listitem {_COLUMNS}
SELECT %s, json_extract(value, '$[0]'), json_extract(value, '$[1]'), %s,
       json_extract(value, '$[2]'), json_extract(value, '$[3]'), 0
FROM json_each(%s) WHERE true
ON CONFLICT (follow_id, day) DO NOTHING
""",
    "postgresql": f"""
INSERT INTO outreach_listitem {_COLUMNS}
SELECT %s, t.follow, t.campaign, %s, t.caller, t.position, 0
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::integer[])
     AS t(follow, campaign, caller, position)
ON CONFLICT (follow_id, day) DO NOTHING
""",
}


def share(due: list[tuple[int, int, int | None]], caller_ids: list[int]) -> list[tuple]:
    """``[(follow, campaign, caller, position)]`` for ``due`` = ``[(follow, campaign, last
    caller or None)]`` in the order they are to be called, shared among ``caller_ids`` by the
    rules above (no caller: nobody listed). Pure: no query."""
    callers = sorted(set(caller_ids))
    if not callers or not due:
        return []
    cap = math.ceil(len(due) / len(callers))
    loads = dict.fromkeys(callers, 0)
    chosen: list[int | None] = []
    for _follow, _campaign, last in due:
        if last in loads and loads[last] < cap:
            loads[last] += 1
            chosen.append(last)
        else:
            chosen.append(None)
    free = iter([pk for pk in callers for _slot in range(cap - loads[pk])])
    positions = dict.fromkeys(callers, 0)
    shared = []
    for (follow, campaign, _last), caller in zip(due, chosen, strict=True):
        caller = caller if caller is not None else next(free)
        positions[caller] += 1
        shared.append((follow, campaign, caller, positions[caller]))
    return shared


def callers_on_duty(organisation, day: dt.date | None = None) -> list[int]:
    """Membership ids, ascending, of the organisation's outreach callers on duty on ``day``:
    the active callers with a rota slot on its weekday (every active caller while the
    organisation has no rota), less those absent that day in continuity's staff
    availability (``relais.continuity.selectors.absent_members``). Without ``day``: every
    active caller. Three queries at most."""
    from relais.continuity.selectors import absent_members

    callers = Membership.objects.filter(
        organisation=organisation, role=Role.OUTREACH_CALLER, is_active=True
    ).order_by("pk")
    if day is None:
        return list(callers.values_list("pk", flat=True))
    if RotaSlot.objects.filter(organisation=organisation).exists():
        callers = callers.filter(
            pk__in=RotaSlot.objects.filter(organisation=organisation, weekday=day.weekday()).values(
                "caller_id"
            )
        )
    ids = list(callers.values_list("pk", flat=True))
    absent = absent_members(organisation, [day], ids)
    return [pk for pk in ids if (pk, day) not in absent]


def build(*, organisation_id: int, day: dt.date, caller_ids: list[int]) -> int:
    """Insert ``day``'s call list; returns the number of people added (0 without callers).
    Two statements whatever the number of people."""
    ids = [int(pk) for pk in caller_ids]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_DUE_NOT_LISTED, {"org": organisation_id, "day": day})
        rows = share(cursor.fetchall(), ids)
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            columns = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(_INSERT["postgresql"], [organisation_id, day, *columns])
        else:
            cursor.execute(_INSERT["sqlite"], [organisation_id, day, json.dumps(rows)])
        return max(cursor.rowcount, 0)
