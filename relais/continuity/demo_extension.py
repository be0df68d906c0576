"""Continuity's part of ``seed_demo``: each landlord adopts the plan template, every demo
account is in the staff directory, and the last fortnight's days are declared (about 60 %
on site, 25 % telework but never a caretaker, the rest absent for various reasons).

Registered with ``relais.housing.demo.extensions`` from ``ContinuityConfig.ready``. The
volumes are those of the demo accounts (a few dozen people), so plain ``bulk_create`` is
set-based enough; ``bench/continuity.py`` seeds its own 5,000 staff.
"""

import datetime as dt
import random

from django.utils import timezone

from relais.core.models import Agency, Membership
from relais.core.roles import OUTSIDE_ROLES, Role

from . import services
from .models import (
    CriticalActivity,
    DayStatus,
    Decision,
    Declaration,
    MinimumStaffing,
    Plan,
    PlanVersion,
    SituationReport,
    StaffMember,
)

DAYS = 14
WEIGHTS = (
    (DayStatus.ON_SITE, 60),
    (DayStatus.TELEWORK, 25),
    (DayStatus.SICK, 4),
    (DayStatus.ISOLATING, 3),
    (DayStatus.CHILDCARE, 4),
    (DayStatus.LEAVE, 4),
)
RESET_ORDER = (
    SituationReport,
    Decision,
    Declaration,
    StaffMember,
    MinimumStaffing,
    CriticalActivity,
    PlanVersion,
    Plan,
)


# The team a person of each role works in (demo data, in French like the demo's names). The
# directory shows it next to the agency, so it must not repeat the role.
TEAMS = {
    Role.DIRECTOR: "Direction générale",
    Role.MANAGER: "Gestion locative",
    Role.ALLOCATION_OFFICER: "Service des attributions",
    Role.CUSTOMER_OFFICER: "Relation clientèle",
    Role.CARETAKER: "Équipe de proximité",
    Role.TECHNICIAN: "Patrimoine et maintenance",
    Role.ACCOUNTANT: "Comptabilité",
    Role.OUTREACH_CALLER: "Accompagnement social",
    Role.READ_ONLY: "Contrôle de gestion",
    Role.HR_OFFICER: "Ressources humaines",
}
# A caretaker's work is the buildings' rounds, which proximity's demo marks done on most
# weekdays: never declared teleworking (a day drawn "telework" is a day on site).
ON_SITE_ROLES = frozenset({Role.CARETAKER})
HEAD_OFFICE_ROLES = frozenset({Role.DIRECTOR, Role.ACCOUNTANT, Role.READ_ONLY, Role.HR_OFFICER})


def _agency_id(membership, agencies: list[int], index: int) -> int | None:
    """Head-office roles sit in the first agency (the seat), the others in turn in each."""
    if not agencies:
        return None
    if membership.role in HEAD_OFFICE_ROLES:
        return agencies[0]
    return agencies[index % len(agencies)]


def declarations(staff, first: dt.date, days: int, rng, now) -> list[Declaration]:
    """``days`` declared days from ``first`` for each of ``staff`` (weekdays only); a
    caretaker is never declared teleworking (``ON_SITE_ROLES``)."""
    statuses = [s for s, _w in WEIGHTS]
    weights = [w for _s, w in WEIGHTS]
    rows = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for person in staff:
            status = rng.choices(statuses, weights)[0]
            if status == DayStatus.TELEWORK and person.membership.role in ON_SITE_ROLES:
                status = DayStatus.ON_SITE
            rows.append(
                Declaration(
                    organisation_id=person.organisation_id,
                    staff_id=person.pk,
                    day=day,
                    status=status,
                    declared_by_id=person.membership.user_id,
                    declared_at=now,
                )
            )
    return rows


def _line_manager(membership, memberships) -> int | None:
    """The user id of ``membership``'s line manager: the director for the managers (and the
    head-office roles), the first manager for everyone else (so ``/continuite/equipe/`` lists
    people for a manager); None for the director, or when nobody holds the role."""

    def first(role):
        found = [m.user_id for m in memberships if m.role == role and m.pk != membership.pk]
        return found[0] if found else None

    if membership.role == Role.DIRECTOR:
        return None
    if membership.role == Role.MANAGER or membership.role in HEAD_OFFICE_ROLES:
        return first(Role.DIRECTOR)
    return first(Role.MANAGER) or first(Role.DIRECTOR)


class ContinuityDemo:
    name = "continuity"

    def seed(self, *, organisation_ids, scale, seed, writer):
        # A few rows per demo account: through the ORM, not the seed's ``writer``.
        rng = random.Random(f"{seed}:continuity")
        now = timezone.now().replace(microsecond=0)
        today = timezone.localdate()
        counts = {}
        for organisation_id in organisation_ids:
            memberships = list(
                Membership.objects.filter(organisation_id=organisation_id, is_active=True)
                .exclude(role__in=OUTSIDE_ROLES)
                .select_related("organisation")
            )
            if not memberships:
                continue
            organisation = memberships[0].organisation
            services.plan_adopt(organisation=organisation, actor=None)
            agencies = list(
                Agency.objects.filter(organisation_id=organisation_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            staff = StaffMember.objects.bulk_create(
                StaffMember(
                    organisation_id=organisation_id,
                    membership=m,
                    team=TEAMS.get(m.role, ""),
                    agency_id=_agency_id(m, agencies, index),
                    manager_id=_line_manager(m, memberships),
                    can_drive=rng.random() < 0.5,
                    first_aid=rng.random() < 0.2,
                )
                for index, m in enumerate(memberships)
            )
            rows = declarations(staff, today - dt.timedelta(days=DAYS - 1), DAYS - 1, rng, now)
            Declaration.objects.bulk_create(rows)
            counts[organisation_id] = {"staff": len(staff), "declared days": len(rows)}
        return counts

    def reset(self, organisation_ids):
        for model in RESET_ORDER:
            model.objects.filter(organisation_id__in=organisation_ids).delete()
