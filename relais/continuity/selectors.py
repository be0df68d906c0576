"""Reads of continuity: the directory, the declared days, coverage, the decision log.

Coverage reads two grouped queries whatever the number of people (the declarations of the
days by role, agency and status; the directory by role and agency) and one for the plan;
``bench/continuity.py`` times them against the bare SQL at 5,000 staff.

Other capabilities read ``on_site_count`` (supplies: days of cover), ``is_absent``
(proximity: a caretaker to replace) and ``absent_members`` (outreach: the callers' rota).
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from relais.core.models import AuditEvent
from relais.core.roles import Role

from . import coverage, tallies
from .models import (
    AVAILABLE_STATUSES,
    HEALTH_STATUSES,
    CriticalActivity,
    DayStatus,
    Decision,
    Declaration,
    MinimumStaffing,
    Plan,
    SituationReport,
    StaffMember,
)


def staff_directory(organisation):
    return (
        StaffMember.objects.for_organisation(organisation)
        .filter(membership__is_active=True)
        .select_related("membership__user", "agency", "manager")
        .order_by("membership__user__last_name", "membership__user__first_name", "pk")
    )


def staff_for_user(organisation, user) -> StaffMember | None:
    return (
        StaffMember.objects.for_organisation(organisation)
        .filter(membership__user=user, membership__is_active=True)
        .select_related("membership__user")
        .first()
    )


def team_of(organisation, manager):
    """The people ``manager`` declares for (those whose manager they are)."""
    return staff_directory(organisation).filter(manager=manager)


def declarations_on(organisation, day: dt.date, staff_ids=None) -> dict[int, Declaration]:
    """{staff id: the declaration of ``day``} (of ``staff_ids`` only, when given)."""
    found = Declaration.objects.for_organisation(organisation).filter(day=day)
    if staff_ids is not None:
        found = found.filter(staff_id__in=list(staff_ids))
    return {d.staff_id: d for d in found}


def shown_status(status: str | None, *, can_view_health: bool) -> str | None:
    """The status a reader may see: health-related ones become "absent" without HR's ability."""
    if status in HEALTH_STATUSES and not can_view_health:
        return DayStatus.ABSENT
    return status


# Coverage ------------------------------------------------------------------------------------


def day_counts(organisation, first: dt.date, last: dt.date) -> dict[dt.date, dict]:
    """{day: {(role, agency id, status): people}} of the active directory, one query."""
    found: dict[dt.date, dict] = defaultdict(dict)
    for day, role, agency_id, status, n in tallies.day_counts(organisation.pk, first, last):
        found[day][(role, agency_id, status)] = n
    return found


def staff_counts(organisation) -> dict[tuple, int]:
    """{(role, agency id): people} of the active directory, one query."""
    return {(role, agency_id): n for role, agency_id, n in tallies.staff_counts(organisation.pk)}


def plan_of(organisation) -> Plan | None:
    return Plan.objects.for_organisation(organisation).first()


def _label(role: str, agency: str | None, on_site_only: bool) -> str:
    label = f"{role} ({agency})" if agency else role
    return _("%(label)s, on site") % {"label": label} if on_site_only else label


def _need_label(minimum: MinimumStaffing) -> str:
    agency = minimum.agency.name if minimum.agency is not None else None
    return _label(str(minimum.get_role_display()), agency, minimum.on_site_only)


def activities(organisation) -> list[CriticalActivity]:
    """The plan's activities with their minimums (``needs`` set on each), two queries."""
    found = list(
        CriticalActivity.objects.for_organisation(organisation)
        .select_related("owner")
        .prefetch_related(
            Prefetch("minimums", queryset=MinimumStaffing.objects.select_related("agency"))
        )
    )
    for activity in found:
        activity.needs = [
            coverage.Need(m.role, m.agency_id, m.minimum, m.on_site_only, _need_label(m))
            for m in activity.minimums.all()
        ]
    return found


# Labels of roles, built once; a need's label is translated only when shown (lazily): the
# coverage of a day builds a dozen of them and most are never read.
_ROLE_LABELS = dict(Role.choices)
_lazy_label = lazy(
    lambda role, agency, on_site: _label(str(_ROLE_LABELS.get(role, role)), agency, on_site), str
)


def _needs(minimums) -> list[coverage.Need]:
    """``coverage.Need`` of the rows of ``tallies.activities_with_minimums``."""
    return [
        coverage.Need(role, agency_id, minimum, bool(on), _lazy_label(role, agency, bool(on)))
        for _pk, role, agency_id, minimum, on, agency in minimums
    ]


def coverage_for_days(organisation, days: list[dt.date], found=None) -> list[tuple]:
    """[(activity, [ActivityCoverage per day of ``days``])] in three queries (the activities
    with their minimums and owners, the days' declarations, the directory; hand-written,
    ``tallies``). Each activity has ``needs`` set, and its owner loaded."""
    if found is None:
        found = []
        for activity, owner, minimums in tallies.activities_with_minimums(organisation.pk):
            activity.owner = owner
            activity.needs = _needs(minimums)
            found.append(activity)
    counts = day_counts(organisation, min(days), max(days))
    staff = coverage.by_role(staff_counts(organisation))
    daily = [coverage.by_role(counts.get(d, {})) for d in days]
    return [(a, [coverage.covered(a.needs, day, staff) for day in daily]) for a in found]


def coverage_on(organisation, day: dt.date) -> list[tuple]:
    """[(activity, ActivityCoverage)] of ``day``."""
    return [(a, days[0]) for a, days in coverage_for_days(organisation, [day])]


@dataclass
class ActivityRef:
    """What the alerts, the home card and the report need of a short-staffed activity."""

    pk: int
    name: str
    fallback: str
    owner_email: str | None
    needs: list = field(default_factory=list)


def below_minimum(organisation, day: dt.date) -> list[tuple] | None:
    """[(ActivityRef, ActivityCoverage)] of the activities short of staff on ``day``, in two
    hand-written queries (home cards, alerts, the report): the activities with their
    minimums, then the directory joined to the day's declarations. An activity without
    minimums is never short; None when no activity has any (no plan: coverage not in use)."""
    found: dict[int, ActivityRef] = {}
    for activity, owner, minimums in tallies.activities_with_minimums(organisation.pk):
        if minimums:
            email = owner.email if owner is not None else None
            ref = ActivityRef(activity.pk, activity.name, activity.fallback, email)
            ref.needs = _needs(minimums)
            found[activity.pk] = ref
    if not found:
        return None
    counts, staff = (coverage.by_role(m) for m in _day_and_staff_counts(organisation, day))
    covered = ((a, coverage.covered(a.needs, counts, staff)) for a in found.values())
    return [(a, c) for a, c in covered if c.below]


def _day_and_staff_counts(organisation, day: dt.date) -> tuple[dict, dict]:
    """({(role, agency id, status): people}, {(role, agency id): people}) of the active
    directory on ``day``, in one query (the directory left-joined to the day's declarations)."""
    rows = tallies.directory_on(organisation.pk, day)
    counts: dict[tuple, int] = {}
    staff: dict[tuple, int] = defaultdict(int)
    for role, agency_id, status, n in rows:
        staff[(role, agency_id)] += n
        if status is not None:
            counts[(role, agency_id, status)] = n
    return counts, staff


def status_totals(organisation, day: dt.date) -> dict[str, int]:
    """{"on_site", "telework", "absent", "not_declared": people} of the active directory on
    ``day`` (every other status is "absent": figures for reports, no health detail)."""
    totals = {"on_site": 0, "telework": 0, "absent": 0, "not_declared": 0}
    for status, n in tallies.status_counts(organisation.pk, day):
        if status is None:
            totals["not_declared"] += n
        else:
            totals[status if status in AVAILABLE_STATUSES else "absent"] += n
    return totals


# Read by other capabilities ------------------------------------------------------------------


def on_site_count(organisation, day: dt.date, role: str | None = None) -> int:
    """People of ``organisation`` (of ``role``, a ``Role`` value, when given) declared on site
    on ``day``: one query."""
    return tallies.on_site(organisation.pk, day, role)


def is_absent(user, day: dt.date, organisation=None) -> bool:
    """True when ``user`` declared ``day`` as neither on site nor telework (in
    ``organisation``, or in any when None); False when they declared themselves available or
    did not declare. One query."""
    found = Declaration.objects.filter(staff__membership__user=user, day=day)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.exclude(status__in=AVAILABLE_STATUSES).exists()


def absent_members(organisation, days: list[dt.date], membership_ids) -> set[tuple[int, dt.date]]:
    """{(membership id, day)} of those of ``membership_ids`` absent on one of ``days`` in
    ``organisation``, as ``is_absent`` decides it for one person and day. One query."""
    found = (
        Declaration.objects.filter(
            organisation=organisation,
            day__in=list(days),
            staff__membership_id__in=list(membership_ids),
        )
        .exclude(status__in=AVAILABLE_STATUSES)
        .values_list("staff__membership_id", "day")
    )
    return set(found)


# The decision log ----------------------------------------------------------------------------

LOGGED = "continuity.decision_logged"


def decision_log(organisation):
    return Decision.objects.for_organisation(organisation).select_related("decided_by")


def decision_log_problems(organisation) -> list[str]:
    """What does not match between the log and the audit trail (which is hash-chained): a line
    changed or removed since it was written, or written outside ``services.decision_log``.
    Two queries; an empty list means the log is intact."""
    events = {
        e.object_id: e.changes
        for e in AuditEvent.objects.filter(
            organisation=organisation, action=LOGGED, object_type="continuity.decision"
        )
    }
    problems = []
    for entry in Decision.objects.for_organisation(organisation).order_by("pk"):
        changes = events.pop(str(entry.pk), None)
        if changes is None:
            problems.append(_("Line %(pk)s is not in the audit trail.") % {"pk": entry.pk})
        elif changes != decision_fields(entry):
            problems.append(_("Line %(pk)s was changed after it was written.") % {"pk": entry.pk})
    for pk in sorted(events, key=int):
        problems.append(_("Line %(pk)s was removed from the log.") % {"pk": pk})
    return problems


def decision_fields(entry: Decision) -> dict:
    """What the audit event of a log line holds (and what the check compares)."""
    fields = {
        "kind": entry.kind,
        "decided_at": entry.decided_at,
        "decided_by": entry.decided_by_id,
        "text": entry.text,
        "reason": entry.reason,
        "plan_version": entry.plan_version,
    }
    return json.loads(json.dumps(fields, cls=DjangoJSONEncoder))


def latest_report(organisation) -> SituationReport | None:
    return (
        SituationReport.objects.for_organisation(organisation).defer("pdf").order_by("-day").first()
    )


def on_site_by_agency(organisation, day: dt.date) -> dict[int, dict[str, int]]:
    """{agency id: {role: people declared on site there on ``day``}} for the staff whose
    directory entry names an agency (one grouped query); supplies reads it for days of cover."""
    found: dict[int, dict[str, int]] = {}
    for agency_id, role, count in tallies.on_site_by_agency(organisation.pk, day):
        found.setdefault(agency_id, {})[role] = count
    return found


def on_site_by_agency_many(organisation_ids, day: dt.date) -> dict[int, dict[str, int]]:
    """``on_site_by_agency`` of several organisations at once (agency ids are unique across
    organisations): one query (supplies' region-wide days of cover)."""
    found: dict[int, dict[str, int]] = {}
    for agency_id, role, count in tallies.on_site_by_agency_in(list(organisation_ids), day):
        found.setdefault(agency_id, {})[role] = count
    return found
