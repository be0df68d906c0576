"""The dashboard's two hand-written reads (``selectors.dashboard``), the page the federation's
analysts open most: written in SQL so the page costs what its rows cost (the ORM's query
building was most of its time, ``bench/federation.py``), on SQLite and PostgreSQL alike.

- ``MEMBERS_WEEK``: one row a member of the federation, by name — its week's figures counted
  and grouped in SQL (how many, how many submitted, the chosen indicator's value, base and
  source) and whether its week's report was sent.
- ``REGIONAL``: the kept ``RegionalFigure`` rows of the week (every indicator) and of the
  chart (the chosen indicator over the weeks up to it), for the region or one département.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

MEMBERS_WEEK = """
SELECT o.id, o.name, o.slug, COALESCE(v.figures, 0), COALESCE(v.submitted, 0),
       v.value, v.base, v.source,
       EXISTS (SELECT 1 FROM federation_weeklyreport r
               WHERE r.organisation_id = o.id AND r.week_start = %(week)s
                 AND r.submitted_at IS NOT NULL)
FROM core_organisation o
LEFT JOIN (
    SELECT organisation_id, COUNT(*) AS figures,
           SUM(CASE WHEN source = 'submitted' THEN 1 ELSE 0 END) AS submitted,
           MAX(CASE WHEN key = %(key)s THEN value END) AS value,
           MAX(CASE WHEN key = %(key)s THEN base END) AS base,
           MAX(CASE WHEN key = %(key)s THEN source END) AS source
    FROM federation_indicatorvalue
    WHERE week_start = %(week)s AND organisation_id IN (
        SELECT id FROM core_organisation WHERE federation_id = %(federation)s)
    GROUP BY organisation_id
) v ON v.organisation_id = o.id
WHERE o.federation_id = %(federation)s
ORDER BY o.name
"""

REGIONAL = """
SELECT week_start, key, value, members, hidden, median
FROM federation_regionalfigure
WHERE federation_id = %(federation)s AND area = %(area)s
  AND week_start >= %(first)s AND week_start <= %(week)s
  AND (week_start = %(week)s OR key = %(key)s)
"""


@dataclass(slots=True)
class Member:
    """A member as the dashboard names it (an organisation, never a person)."""

    pk: int
    name: str
    slug: str
    departement: str = ""


@dataclass(slots=True)
class MemberWeek:
    member: Member
    figures: int  # the week's figures, computed or submitted
    submitted: int  # of which submitted by the member
    value: float | None  # the chosen indicator's (None: no figure)
    base: int | None
    source: str
    report_sent: bool


def params(federation_id: int, week_start: dt.date, key: str, area="", count=12) -> dict:
    """The parameters of both reads (dates bound as the database stores them)."""
    adapt = connection.ops.adapt_datefield_value
    return {
        "federation": federation_id,
        "week": adapt(week_start),
        "first": adapt(week_start - dt.timedelta(days=7 * (count - 1))),
        "key": key,
        "area": area,
    }


def members_week(bound: dict) -> list[MemberWeek]:
    """Every member of the federation by name, with its week (``MEMBERS_WEEK``)."""
    with connection.cursor() as cursor:
        cursor.execute(MEMBERS_WEEK, bound)
        rows = cursor.fetchall()
    return [
        MemberWeek(
            Member(pk, name, slug), figures, submitted, value, base, source or "", bool(sent)
        )
        for pk, name, slug, figures, submitted, value, base, source, sent in rows
    ]


def regional_rows(bound: dict, mondays) -> list[tuple]:
    """(week start as a date, key, value, members, hidden, median) rows (``REGIONAL``);
    ``mondays``: the weeks' starts asked for (a driver may give a date or its ISO text: both
    are read back through them)."""
    adapt = connection.ops.adapt_datefield_value
    days = {key: day for day in mondays for key in (day, adapt(day))}
    with connection.cursor() as cursor:
        cursor.execute(REGIONAL, bound)
        return [(days[start], *rest) for start, *rest in cursor.fetchall()]
