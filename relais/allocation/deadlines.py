"""Offer answer periods and session lengths: pure date rules, no database, no request.

**Answer period** (article R441-10 CCH, DOMAIN.md §1): the applicant has at least
``ANSWER_DAYS`` days to answer an offer, counted from the day after they **received** it
(registered-letter receipt, e-mail opened, letter handed over). When no receipt is recorded,
Relais assumes the letter arrived ``postal_delay_days`` after it was sent. A period whose last
day is a Saturday, a Sunday or a French public holiday runs to the next working day (the
general rule of article 642 of the code de procédure civile). Silence is a refusal, but only
once the period is over: the offer lapses **the day after** the due date, never on it.

Public holidays come from the ``holidays`` library (calendar of the Journal officiel),
with the local ones of Alsace-Moselle (Good Friday, 26 December) and of the overseas
departments when the dwelling's département is given.

**Session lengths** are elapsed time: a 24-hour remote session opening the day before a
daylight-saving change lasts 24 hours, not 23 or 25 (``elapsed_end``).
See docs/commissions.md and docs/decisions/0028-offer-deadlines.md.
"""

import datetime as dt
from functools import lru_cache

import holidays

ANSWER_DAYS = 10  # R441-10 CCH: "not less than ten days"
DEFAULT_POSTAL_DELAY_DAYS = 3  # sending → assumed receipt, when no receipt is recorded
SATURDAY = 5
# Départements whose holiday calendar differs from the national one (holidays' subdivisions).
HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


@lru_cache(maxsize=64)
def _holidays(year: int, subdivision: str | None) -> frozenset[dt.date]:
    return frozenset(holidays.France(years=year, subdiv=subdivision))


def holiday_subdivision(departement_code: str | None) -> str | None:
    """The ``holidays`` subdivision of a département code ("57", "6AE"…), or None (national)."""
    return HOLIDAY_SUBDIVISIONS.get(departement_code or "")


def is_working_day(day: dt.date, departement_code: str | None = None) -> bool:
    """Monday to Friday and not a French public holiday (of the département when given)."""
    subdivision = holiday_subdivision(departement_code)
    return day.weekday() < SATURDAY and day not in _holidays(day.year, subdivision)


def next_working_day(day: dt.date, departement_code: str | None = None) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, departement_code):
        day += dt.timedelta(days=1)
    return day


def assumed_receipt(
    *, received_on: dt.date | None, sent_on: dt.date, postal_delay_days: int
) -> dt.date:
    """The day the offer counts as received: the recorded receipt, else sending + delay.

    Raises ``ValueError`` for a negative delay or a receipt before the sending.
    """
    if postal_delay_days < 0:
        raise ValueError("postal_delay_days must be zero or more")
    if received_on is not None:
        if received_on < sent_on:
            raise ValueError("an offer cannot be received before it is sent")
        return received_on
    return sent_on + dt.timedelta(days=postal_delay_days)


def answer_due_on(
    *,
    sent_on: dt.date,
    received_on: dt.date | None = None,
    postal_delay_days: int = DEFAULT_POSTAL_DELAY_DAYS,
    period_days: int = ANSWER_DAYS,
    departement_code: str | None = None,
) -> dt.date:
    """Last day the applicant may answer (inclusive).

    Day 1 is the day after receipt, day ``period_days`` the nominal last day, moved to the
    next working day when it falls on a Saturday, Sunday or public holiday. E.g. received
    Wednesday 4 March 2026 → nominal Saturday 14 March → due Monday 16 March 2026.
    """
    if period_days < ANSWER_DAYS:
        raise ValueError(f"the answer period is at least {ANSWER_DAYS} days (R441-10 CCH)")
    receipt = assumed_receipt(
        received_on=received_on, sent_on=sent_on, postal_delay_days=postal_delay_days
    )
    return next_working_day(receipt + dt.timedelta(days=period_days), departement_code)


def offer_lapsed(due_on: dt.date, today: dt.date) -> bool:
    """Silence counts as a refusal only from the day after the due date."""
    return today > due_on


def elapsed_end(start: dt.datetime, hours: int) -> dt.datetime:
    """``start`` + ``hours`` of elapsed time, in ``start``'s time zone.

    Python adds a ``timedelta`` to an aware datetime on the wall clock, so 24 hours from
    27 March 2027 10:00 in Paris would end at 10:00 the next day, after 23 real hours (the
    clocks go forward that night). Adding in UTC keeps the real length.
    Raises ``ValueError`` for a naive ``start``.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("elapsed_end needs an aware datetime")
    end = start.astimezone(dt.UTC) + dt.timedelta(hours=hours)
    return end.astimezone(start.tzinfo)
