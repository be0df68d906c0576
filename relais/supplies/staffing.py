"""Who is on site at a location on a day: the one place days of cover read staffing from.

An agency location counts the staff declared on site there that day in continuity's staff
availability (``continuity.selectors.on_site_by_agency``) as soon as anyone of that agency
declared their day; otherwise, and for locations that are not agencies (caretakers' rooms,
vehicles), the headcount the landlord declared per location and role (``Headcount``) is used
(ADR 0044).
"""

import datetime as dt
from collections import defaultdict

from relais.continuity.selectors import on_site_by_agency, on_site_by_agency_many

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


def headcounts_many(organisation_ids, day: dt.date) -> dict[int, dict[str, int]]:
    """``headcounts`` of every location of ``organisation_ids`` at once (ids are unique across
    organisations), in three queries."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Headcount.objects.filter(organisation_id__in=organisation_ids).values_list(
        "location_id", "role", "people"
    )
    for location_id, role, people in rows:
        found[location_id][role] = people
    declared = on_site_by_agency_many(organisation_ids, day)
    if declared:
        agencies = Location.objects.filter(
            organisation_id__in=organisation_ids,
            kind=LocationKind.AGENCY,
            agency_id__in=list(declared),
        ).values_list("pk", "agency_id")
        for location_id, agency_id in agencies:
            found[location_id] = dict(declared[agency_id])
    return dict(found)


def headcount(location, day: dt.date) -> dict[str, int]:
    """{role: people on site at ``location`` on ``day``}."""
    return headcounts(location.organisation, day).get(location.pk, {})
