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
set-based generation and reassignment (``assignees_cte``); a test holds the two together.
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


def assignees_cte(scoped: bool = False) -> str:
    """SQL: two common table expressions — ``absent`` (organisation, user declared a day other
    than on site or telework on ``%(day)s`` in continuity's ``Declaration``) and
    ``assignees`` (building_id, assignee_id: the rule above for every building with a
    caretaker, NULL when nobody is in charge). Each is computed once per statement, not once
    per round. ``scoped``: only the buildings of the organisation ``%(organisation)s`` whose
    caretaker or usual replacement is the user ``%(user)s``."""
    available = ", ".join(f"'{status}'" for status in sorted(AVAILABLE_STATUSES))
    only = (
        "AND bc.organisation_id = %(organisation)s "
        "AND (bc.caretaker_id = %(user)s OR bc.backup_id = %(user)s)"
        if scoped
        else ""
    )
    replacement = (
        "(SELECT r.replacement_id FROM proximity_replacement r "
        "WHERE r.organisation_id = bc.organisation_id AND r.absent_id = bc.caretaker_id "
        "AND r.starts_on <= %(day)s AND r.ends_on >= %(day)s ORDER BY r.id DESC LIMIT 1)"
    )
    return (
        "absent AS (SELECT DISTINCT d.organisation_id, m.user_id "
        "FROM continuity_declaration d "
        "JOIN continuity_staffmember sm ON sm.id = d.staff_id "
        "JOIN core_membership m ON m.id = sm.membership_id "
        f"WHERE d.day = %(day)s AND d.status NOT IN ({available})), "
        "assignees AS MATERIALIZED (SELECT bc.building_id, "
        f"COALESCE({replacement}, CASE WHEN a1.user_id IS NULL THEN bc.caretaker_id "
        "WHEN bc.backup_id IS NOT NULL AND a2.user_id IS NULL THEN bc.backup_id END) "
        "AS assignee_id FROM proximity_buildingcaretaker bc "
        "LEFT JOIN absent a1 ON a1.organisation_id = bc.organisation_id "
        "AND a1.user_id = bc.caretaker_id "
        "LEFT JOIN absent a2 ON a2.organisation_id = bc.organisation_id "
        f"AND a2.user_id = bc.backup_id WHERE 1 = 1 {only})"
    )
