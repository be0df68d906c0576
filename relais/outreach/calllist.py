"""The day's call list, built by one set-based SQL statement (ADR 0039).

Who is due: the followed people of the organisation's active campaigns (started, not ended)
whose ``next_due_on`` is today or past, not yet on today's list. How they are shared among the
callers on duty (``caller_ids``):

0. the callers on duty are those of the weekly rota for the day, less the absent
   (``callers_on_duty``);
1. each caller gets at most ``cap = ceil(due / callers)`` people;
2. a person keeps the caller who last called them when that caller is on duty and still has
   room (the oldest due first);
3. the others fill the remaining room of each caller in turn (callers by id, people by due
   date then id): the n-th leftover goes to the caller whose cumulated free room covers n.

So loads differ by at most one person per caller above the cap, and nobody is counted twice
(``(follow, day)`` is unique; the insert ignores rows already there, so a second run, or two
concurrent runs, add nothing). Window functions and ``ON CONFLICT`` run on SQLite ≥ 3.25 and
PostgreSQL alike.
"""

import datetime as dt

from django.db import connection

from relais.core.models import Membership
from relais.core.roles import Role

from .models import RotaSlot

_SQL = """
INSERT INTO outreach_listitem
  (organisation_id, follow_id, campaign_id, day, caller_id, position, attempts)
WITH duty(caller_id) AS (SELECT id FROM core_membership WHERE id IN ({duty})),
due AS (
  SELECT f.id AS follow_id, f.campaign_id, f.next_due_on,
         CASE WHEN f.caller_id IN ({duty}) THEN f.caller_id END AS keep
  FROM outreach_follow f JOIN outreach_campaign c ON c.id = f.campaign_id
  WHERE f.organisation_id = %(org)s AND c.status = 'active'
    AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
    AND f.state = 'followed' AND f.next_due_on <= %(day)s
    AND NOT EXISTS (SELECT 1 FROM outreach_listitem li
                    WHERE li.follow_id = f.id AND li.day = %(day)s)
),
sizing AS (SELECT (COUNT(*) + %(callers)s - 1) / %(callers)s AS cap FROM due),
ranked AS (
  SELECT d.*, ROW_NUMBER() OVER (PARTITION BY d.keep ORDER BY d.next_due_on, d.follow_id) AS rn
  FROM due d
),
kept AS (
  SELECT r.follow_id, r.campaign_id, r.keep AS caller_id FROM ranked r, sizing s
  WHERE r.keep IS NOT NULL AND r.rn <= s.cap
),
rest AS (
  SELECT r.follow_id, r.campaign_id,
         ROW_NUMBER() OVER (ORDER BY r.next_due_on, r.follow_id) AS ln
  FROM ranked r, sizing s WHERE r.keep IS NULL OR r.rn > s.cap
),
room AS (
  SELECT d.caller_id,
         s.cap - (SELECT COUNT(*) FROM kept k WHERE k.caller_id = d.caller_id) AS free
  FROM duty d, sizing s
),
ranges AS (
  SELECT caller_id, SUM(free) OVER (ORDER BY caller_id) - free AS lo,
         SUM(free) OVER (ORDER BY caller_id) AS hi
  FROM room
),
assigned AS (
  SELECT follow_id, campaign_id, caller_id FROM kept
  UNION ALL
  SELECT r.follow_id, r.campaign_id, g.caller_id FROM rest r
  JOIN ranges g ON r.ln > g.lo AND r.ln <= g.hi
)
SELECT %(org)s, a.follow_id, a.campaign_id, %(day)s, a.caller_id,
       ROW_NUMBER() OVER (PARTITION BY a.caller_id ORDER BY a.follow_id), 0
FROM assigned a WHERE 1 = 1
ON CONFLICT (follow_id, day) DO NOTHING
"""


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
    """Insert ``day``'s call list; returns the number of people added (0 without callers)."""
    ids = [int(pk) for pk in caller_ids]
    if not ids:
        return 0
    duty = ", ".join(str(pk) for pk in ids)  # integers only: safe to inline
    params = {"org": organisation_id, "day": day, "callers": len(ids)}
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(duty=duty), params)
        return max(cursor.rowcount, 0)


DUE_SQL = """
SELECT f.id, f.entry_id FROM outreach_follow f JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
"""
