"""Who is on site at a location on a day: the one place days of cover read staffing from.

An agency location counts the staff declared on site there that day in continuity's staff
availability (``continuity.selectors.on_site_by_agency``) as soon as anyone of that agency
declared their day; otherwise, and for locations that are not agencies (caretakers' rooms,
vehicles), the headcount the landlord declared per location and role (``Headcount``) is used
(ADR 0044). The same rule is written once more as SQL (``on_site_sql``), for the days of cover
computed in the database; ``tests/supplies/test_cover.py`` holds the two equal.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection

from relais.continuity.selectors import on_site_by_agency
from relais.continuity.tallies import DECLARATION, MEMBERSHIP, STAFF

from .models import Headcount, Location, LocationKind


def headcounts(organisation, day: dt.date) -> dict[int, dict[str, int]]:
    """{location id: {role: people on site on ``day``}} for every location of the landlord,
    in three queries."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Headcount.objects.filter(organisation=organisation).values_list(
        "location_id", "role", "people"
    )
    for location_id, role, people in rows:
        found[location_id][role] = people
    declared = on_site_by_agency(organisation, day)
    if declared:
        agencies = Location.objects.filter(
            organisation=organisation, kind=LocationKind.AGENCY, agency_id__in=list(declared)
        ).values_list("pk", "agency_id")
        for location_id, agency_id in agencies:
            found[location_id] = dict(declared[agency_id])
    return dict(found)


def headcount(location, day: dt.date) -> dict[str, int]:
    """{role: people on site at ``location`` on ``day``}."""
    return headcounts(location.organisation, day).get(location.pk, {})


def on_site_sql(organisation_ids: list[int], day: dt.date) -> tuple[str, list]:
    """``headcounts`` of many organisations as SQL, for the days of cover computed in the database
    (``stock.tallies``): a ``SELECT`` of (organisation id, location id, role, people) rows —
    the staff declared on site that day at an agency location whose agency has any, the
    declared headcount everywhere else — and its parameters. Same SQL on SQLite and PostgreSQL;
    tested equal to ``headcounts`` (``tests/supplies/test_cover.py``)."""
    ids = [int(pk) for pk in organisation_ids] or [0]
    marks = ", ".join(["%s"] * len(ids))
    location, headcount = Location._meta.db_table, Headcount._meta.db_table
    # Declarations are grouped by organisation too: a location only counts its own staff.
    declared = (
        f"SELECT d.organisation_id, s.agency_id, m.role, COUNT(*) AS people FROM {DECLARATION} d "
        f"JOIN {STAFF} s ON s.id = d.staff_id JOIN {MEMBERSHIP} m ON m.id = s.membership_id "
        f"WHERE d.organisation_id IN ({marks}) AND d.day = %s AND d.status = 'on_site' "
        "AND s.agency_id IS NOT NULL AND m.is_active "
        "GROUP BY d.organisation_id, s.agency_id, m.role"
    )
    agency = f"'{LocationKind.AGENCY.value}'"
    sql = (
        f"SELECT h.organisation_id, h.location_id, h.role, h.people FROM {headcount} h "
        f"JOIN {location} l ON l.id = h.location_id LEFT JOIN (SELECT DISTINCT organisation_id, "
        f"agency_id FROM ({declared}) a) x ON l.kind = {agency} "
        "AND x.organisation_id = l.organisation_id AND x.agency_id = l.agency_id "
        f"WHERE h.organisation_id IN ({marks}) AND x.agency_id IS NULL "
        f"UNION ALL SELECT l.organisation_id, l.id, a.role, a.people FROM {location} l "
        f"JOIN ({declared}) a ON a.organisation_id = l.organisation_id "
        f"AND a.agency_id = l.agency_id WHERE l.kind = {agency} AND l.organisation_id IN ({marks})"
    )
    day = connection.ops.adapt_datefield_value(day)
    return sql, [*ids, day, *ids, *ids, day, *ids]
