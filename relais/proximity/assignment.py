"""Who does a building's rounds on a given day.

The caretaker in charge of the building (``BuildingCaretaker``), unless a replacement covers
that day (``Replacement``, set by the manager). This is the one place that answers it: when
the continuity capability records staff availability, it is read here (and in the same
sub-query of ``generation.OCCURRENCES_SQL``).
"""

import datetime as dt

from .models import BuildingCaretaker, Replacement


def assignee_for(building, day: dt.date):
    """The user who does ``building``'s rounds on ``day``, or None when nobody is in charge."""
    assignment = (
        BuildingCaretaker.objects.filter(building=building).select_related("caretaker").first()
    )
    if assignment is None:
        return None
    replacement = (
        Replacement.objects.filter(
            organisation_id=assignment.organisation_id,
            absent_id=assignment.caretaker_id,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .select_related("replacement")
        .order_by("-id")
        .first()
    )
    return replacement.replacement if replacement is not None else assignment.caretaker


# The same rule in SQL, for the set-based generation: ``bc`` is the building's
# BuildingCaretaker row, ``%(day)s`` the day.
ASSIGNEE_SQL = (
    "COALESCE((SELECT r.replacement_id FROM proximity_replacement r "
    "WHERE r.organisation_id = bc.organisation_id AND r.absent_id = bc.caretaker_id "
    "AND r.starts_on <= %(day)s AND r.ends_on >= %(day)s ORDER BY r.id DESC LIMIT 1), "
    "bc.caretaker_id)"
)
