"""Who does a building's rounds on a given day.

In order:
1. a dated ``Replacement`` set by the manager for the building's caretaker covers the day:
   the replacement;
2. the caretaker is declared absent that day in continuity's staff availability (sick,
   isolating, childcare, leave, absent — ``relais.continuity.selectors.is_absent``): the
   building's usual replacement (``BuildingCaretaker.backup``) when they are not declared
   absent themselves, else nobody (the passage is "nobody assigned" on the manager's pages);
3. the caretaker (``BuildingCaretaker``).

This is the one place that answers it, in Python (``assignee_for``) and in SQL for the
set-based generation (``ASSIGNEE_SQL``); a test holds the two together.
"""

import datetime as dt

from relais.continuity.models import AVAILABLE_STATUSES
from relais.continuity.selectors import is_absent

from .models import BuildingCaretaker, Replacement


def assignee_for(building, day: dt.date):
    """The user who does ``building``'s rounds on ``day``, or None when nobody is in charge
    (no caretaker, or the caretaker absent without a replacement available)."""
    assignment = (
        BuildingCaretaker.objects.filter(building=building)
        .select_related("caretaker", "backup")
        .first()
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
    if replacement is not None:
        return replacement.replacement
    organisation = assignment.organisation_id
    if not is_absent(assignment.caretaker, day, organisation):
        return assignment.caretaker
    backup = assignment.backup
    if backup is not None and not is_absent(backup, day, organisation):
        return backup
    return None


def _absent_sql(user: str) -> str:
    """SQL: ``user`` (a column) declared a day other than on site or telework on
    ``%(day)s`` in the building's organisation (continuity's ``Declaration``)."""
    available = ", ".join(f"'{status}'" for status in sorted(AVAILABLE_STATUSES))
    return (
        "EXISTS (SELECT 1 FROM continuity_declaration d "
        "JOIN continuity_staffmember sm ON sm.id = d.staff_id "
        "JOIN core_membership m ON m.id = sm.membership_id "
        f"WHERE d.organisation_id = bc.organisation_id AND d.day = %(day)s AND m.user_id = {user} "
        f"AND d.status NOT IN ({available}))"
    )


# The same rule in SQL, for the set-based generation: ``bc`` is the building's
# BuildingCaretaker row, ``%(day)s`` the day.
ASSIGNEE_SQL = (
    "COALESCE((SELECT r.replacement_id FROM proximity_replacement r "
    "WHERE r.organisation_id = bc.organisation_id AND r.absent_id = bc.caretaker_id "
    "AND r.starts_on <= %(day)s AND r.ends_on >= %(day)s ORDER BY r.id DESC LIMIT 1), "
    f"CASE WHEN NOT {_absent_sql('bc.caretaker_id')} THEN bc.caretaker_id "
    f"WHEN bc.backup_id IS NOT NULL AND NOT {_absent_sql('bc.backup_id')} THEN bc.backup_id "
    "END)"
)
