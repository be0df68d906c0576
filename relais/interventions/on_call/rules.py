"""Office hours and the on-call rules (issue 8 §4): pure functions, no database.

Outside office hours — evenings, nights, weekends and French public holidays (the ``holidays``
library, calendar of the Journal officiel) — an urgent request goes to the person on call.
Office hours are those most agencies of a landlord keep: Monday to Friday, 8:30 to 17:30,
Europe/Paris.
"""

import datetime as dt
import zoneinfo
from functools import lru_cache

import holidays

from ..models import Priority

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
OPENS = dt.time(8, 30)
CLOSES = dt.time(17, 30)
# Requests that cannot wait for the next working morning.
URGENT_PRIORITIES = frozenset({Priority.SAFETY, Priority.URGENT})


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.France(years=year))


def in_office_hours(moment: dt.datetime) -> bool:
    """Whether ``moment`` (aware) falls on a working day between ``OPENS`` and ``CLOSES`` in
    Paris."""
    local = moment.astimezone(PARIS)
    day = local.date()
    if day.weekday() >= 5 or day in _holidays(day.year):
        return False
    return OPENS <= local.time() < CLOSES


def needs_on_call(*, priority: str, reported_at: dt.datetime) -> bool:
    """An urgent or safety request reported outside office hours."""
    return priority in URGENT_PRIORITIES and not in_office_hours(reported_at)
