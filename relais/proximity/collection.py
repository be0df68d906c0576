"""Waste collection calendars: which days a commune collects each stream, and so which days
the bins rounds that follow the calendar take place (issue 9 §1).

A stream (``CollectionStream``) is collected on its weekdays, except on a French public
holiday, where its ``on_holiday`` rule applies: collected as usual (``kept``), moved to the
next day (``next_day``, unless that day is a holiday too) or not collected (``cancelled``).
Public holidays come from the ``holidays`` library (``France``, code du travail art.
L3133-1); the Moselle, Bas-Rhin and Haut-Rhin (INSEE codes 57, 67, 68) add Good Friday and
26 December (art. L3134-13), the library's subdivision "57".

A round that ``follows_collection`` is planned on the days of its building's commune:
bins out the evening before a day with at least one collection, bins in on that day.

The same rule exists twice: ``collects_on`` (Python, for the calendar page and tests) and
``collection_sql`` (the condition of ``generation.occurrences_sql``, set-based); a test
holds them together.
"""

import datetime as dt
import functools

import holidays

from .models import HolidayRule, RoundKind

ALSACE_MOSELLE = ("57", "67", "68")
ONE_DAY = dt.timedelta(days=1)


def bit(day: dt.date) -> int:
    """The weekday's bit in a weekdays mask (Monday = 1 … Sunday = 64)."""
    return 1 << day.weekday()


@functools.lru_cache(maxsize=32)
def _holidays(year: int, alsace: bool):
    return holidays.France(years=year, subdiv="57" if alsace else None)


def is_holiday(day: dt.date, alsace: bool = False) -> bool:
    """``day`` is a public holiday in France (in Alsace-Moselle when ``alsace``)."""
    return day in _holidays(day.year, alsace)


def is_alsace_moselle(commune_code: str) -> bool:
    return commune_code[:2] in ALSACE_MOSELLE


def collects_on(weekdays: int, on_holiday: str, day: dt.date, alsace: bool = False) -> bool:
    """Whether a stream collected on ``weekdays`` with the holiday rule ``on_holiday`` is
    collected on ``day``."""
    holiday = is_holiday(day, alsace)
    if weekdays & bit(day) and (not holiday or on_holiday == HolidayRule.KEPT):
        return True
    before = day - ONE_DAY
    return (
        on_holiday == HolidayRule.NEXT_DAY
        and not holiday
        and is_holiday(before, alsace)
        and bool(weekdays & bit(before))
    )


def collection_days(stream, start: dt.date, days: int) -> list[dt.date]:
    """The days of [start, start + days) on which ``stream`` (a ``CollectionStream``) is
    collected."""
    alsace = is_alsace_moselle(stream.commune_id)
    found = (start + dt.timedelta(days=n) for n in range(days))
    return [d for d in found if collects_on(stream.weekdays, stream.on_holiday, d, alsace)]


def round_day_for(kind: str, collection_day: dt.date) -> dt.date:
    """The day of the bins round ``kind`` for a collection on ``collection_day``."""
    return collection_day - ONE_DAY if kind == RoundKind.BINS_OUT else collection_day


# SQL -------------------------------------------------------------------------------------------


def _holiday_sql(name: str) -> str:
    """1 when the day ``name`` is a public holiday in the commune of the stream ``s``."""
    codes = ", ".join(f"'{code}'" for code in ALSACE_MOSELLE)
    return (
        f"(CASE WHEN substr(s.commune_id, 1, 2) IN ({codes}) "
        f"THEN %({name}_a)s ELSE %({name}_n)s END)"
    )


def _collects_sql(name: str) -> str:
    """The stream ``s`` is collected on the day ``name`` (parameters of ``_day_params``)."""
    holiday, before = _holiday_sql(name), _holiday_sql(f"{name}_before")
    return (
        f"(((s.weekdays & %({name}_bit)s) <> 0 AND ({holiday} = 0 OR s.on_holiday = 'kept')) "
        f"OR (s.on_holiday = 'next_day' AND {holiday} = 0 AND {before} = 1 "
        f"AND (s.weekdays & %({name}_before_bit)s) <> 0))"
    )


def collecting_cte() -> str:
    """SQL: the common table expression ``collecting`` — (organisation_id, commune_id,
    today, tomorrow): 1 when a stream of the organisation's calendar for the commune is
    collected on the day, on the next day. One grouped pass over the calendars per
    statement. Parameters: ``collection_params``."""
    return (
        "collecting AS (SELECT s.organisation_id, s.commune_id, "
        f"MAX(CASE WHEN {_collects_sql('same')} THEN 1 ELSE 0 END) AS today, "
        f"MAX(CASE WHEN {_collects_sql('next')} THEN 1 ELSE 0 END) AS tomorrow "
        "FROM proximity_collectionstream s GROUP BY s.organisation_id, s.commune_id)"
    )


def collection_sql() -> str:
    """SQL condition on the template ``t`` joined to ``collecting`` as ``c`` (its
    organisation and its building's commune): a stream is collected on the day (bins in) or
    the next day (bins out)."""
    return "(CASE WHEN t.kind = 'bins_out' THEN c.tomorrow ELSE c.today END) = 1"


def _day_params(name: str, day: dt.date) -> dict:
    before = day - ONE_DAY
    return {
        f"{name}_bit": bit(day),
        f"{name}_before_bit": bit(before),
        f"{name}_n": int(is_holiday(day)),
        f"{name}_a": int(is_holiday(day, True)),
        f"{name}_before_n": int(is_holiday(before)),
        f"{name}_before_a": int(is_holiday(before, True)),
    }


def collection_params(day: dt.date) -> dict:
    """The parameters of ``collection_sql`` for the rounds of ``day``."""
    return {**_day_params("same", day), **_day_params("next", day + ONE_DAY)}
