"""Who is on site at a location on a day: the one place days of cover read staffing from.

Today it reads the headcount the landlord declared per location and role
(``supplies.Headcount``). When the continuity capability records staff availability per day,
these two functions read it instead and nothing else changes (ADR 0044).
"""

import datetime as dt
from collections import defaultdict

from .models import Headcount


def headcounts(organisation, day: dt.date) -> dict[int, dict[str, int]]:
    """{location id: {role: people on site on ``day``}} for every location of the landlord,
    in one query."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Headcount.objects.filter(organisation=organisation).values_list(
        "location_id", "role", "people"
    )
    for location_id, role, people in rows:
        found[location_id][role] = people
    return dict(found)


def headcount(location, day: dt.date) -> dict[str, int]:
    """{role: people on site at ``location`` on ``day``}."""
    return dict(
        Headcount.objects.filter(location=location).values_list("role", "people").order_by()
    )
