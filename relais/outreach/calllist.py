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

Sharing in SQL was tried twice: one ``INSERT … WITH … SELECT`` with window functions (rank
per last caller, the callers' cumulative room, a range join, positions) costs 10 to 14 times
the bare selection of the people due on SQLite and 7 on PostgreSQL (``bench/outreach.py``,
20,000 people), where the same sharing over the selected rows costs a few milliseconds in
Python. The list goes back in one statement whatever its size: one JSON object of each
caller's people (``json_each`` on both databases), the organisation and campaign read from the
follow, so the only per-person work is the database's own (ADR 0039 §4).
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
# The people due not yet on the day's list, the oldest due first: (follow, last caller).
_DUE_NOT_LISTED = """
SELECT f.id, f.caller_id FROM outreach_follow f
JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
  AND NOT EXISTS (SELECT 1 FROM outreach_listitem li WHERE li.follow_id = f.id AND li.day = %(day)s)
ORDER BY f.next_due_on, f.id
"""
# The shared list goes back as one JSON object ``{"caller": [follow, …]}`` (each caller's
# people in position order): the position is the index in the array, the organisation and
# campaign are read from the follow itself (its primary key), so nothing per person is
# computed twice and a follow of another organisation cannot be listed.
_COLUMNS = "(organisation_id, follow_id, campaign_id, day, caller_id, position, attempts)"
_INSERT = {
    "sqlite": f"""
INSERT INTO outreach_listitem {_COLUMNS}
SELECT f.organisation_id, f.id, f.campaign_id, %(day)s, CAST(c.key AS integer), p.key + 1, 0
FROM json_each(%(sheets)s) AS c JOIN json_each(c.value) AS p
JOIN outreach_follow f ON f.id = p.value
WHERE f.organisation_id = %(org)s
ON CONFLICT (follow_id, day) DO NOTHING
""",
    "postgresql": f"""
INSERT INTO outreach_listitem {_COLUMNS}
SELECT f.organisation_id, f.id, f.campaign_id, %(day)s, c.key::bigint, p.position, 0
FROM json_each(%(sheets)s::json) AS c
CROSS JOIN LATERAL json_array_elements_text(c.value) WITH ORDINALITY AS p(follow, position)
JOIN outreach_follow f ON f.id = p.follow::bigint
WHERE f.organisation_id = %(org)s
ON CONFLICT (follow_id, day) DO NOTHING
""",
}


def share(due: list[tuple[int, int | None]], caller_ids: list[int]) -> dict[int, list[int]]:
    """``{caller: [follow, …]}``, each caller's people in position order, for ``due`` =
    ``[(follow, last caller or None)]`` in the order they are to be called, shared among
    ``caller_ids`` by the rules above (no caller: nobody listed; a caller with nobody is
    left out). Pure: no query."""
    callers = sorted(set(caller_ids))
    if not callers or not due:
        return {}
    cap = math.ceil(len(due) / len(callers))
    loads = dict.fromkeys(callers, 0)
    chosen: list[int | None] = []
    for _follow, last in due:
        if last in loads and loads[last] < cap:
            loads[last] += 1
            chosen.append(last)
        else:
            chosen.append(None)
    free = iter([pk for pk in callers for _slot in range(cap - loads[pk])])
    sheets: dict[int, list[int]] = {pk: [] for pk in callers}
    for (follow, _last), caller in zip(due, chosen, strict=True):
        sheets[caller if caller is not None else next(free)].append(follow)
    return {pk: follows for pk, follows in sheets.items() if follows}


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
    Two statements whatever the number of people: the selection, then one insert that
    ignores the people already listed (a second run, or two at once, add nothing; the
    insert being one statement, a run killed before its commit leaves nothing behind)."""
    ids = [int(pk) for pk in caller_ids]
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_DUE_NOT_LISTED, {"org": organisation_id, "day": day})
        sheets = share(cursor.fetchall(), ids)
        if not sheets:
            return 0
        sql = _INSERT["postgresql" if connection.vendor == "postgresql" else "sqlite"]
        cursor.execute(sql, {"org": organisation_id, "day": day, "sheets": json.dumps(sheets)})
        return max(cursor.rowcount, 0)
