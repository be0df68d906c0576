"""Every write of continuity, in a transaction, audited.

- the plan: adopted from the template (``plan_adopt``), an activity and its minimum staffing
  changed (``activity_save``: a new version, its snapshot kept);
- the directory (``staff_save``) and the declared days (``day_declare``, the hot path);
- the decision log (``decision_log``), written by directors and by the crisis switch
  ``continuity_plan_active`` (``on_plan_switch``);
- coverage alerts to each activity's owner (``coverage_alerts``) and the daily situation
  report (``report_build``), both through the outbox.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.models import Membership
from relais.core.outbox import queue_message
from relais.core.roles import Role
from relais.core.selectors import current_crisis_state
from relais.core.transactions import write_transaction

from . import listeners, pdf, report, selectors, template
from .models import (
    CriticalActivity,
    Decision,
    Declaration,
    MinimumStaffing,
    Plan,
    PlanVersion,
    SituationReport,
    StaffMember,
)

SWITCH = "continuity_plan_active"
ALERT_PURPOSE = "continuity.coverage_alert"
REPORT_PURPOSE = "continuity.situation_report"


# The plan --------------------------------------------------------------------------------------


def _snapshot(plan: Plan, actor) -> PlanVersion:
    rows = [
        {
            "code": a.code,
            "name": a.name,
            "max_downtime_hours": a.max_downtime_hours,
            "fallback": a.fallback,
            "dependencies": a.dependencies,
            "owner": a.owner_id,
            "minimums": [
                [m.role, m.agency_id, m.minimum, m.on_site_only] for m in a.minimums.all()
            ],
        }
        for a in plan.activities.prefetch_related("minimums")
    ]
    return PlanVersion.objects.create(
        organisation=plan.organisation,
        plan=plan,
        number=plan.version,
        created_at=timezone.now(),
        created_by=actor,
        activities=rows,
    )


@write_transaction
def plan_adopt(*, organisation, actor) -> Plan:
    """Adopt the template (``template.ACTIVITIES``) as version 1; adopting again returns the
    plan already adopted (a double click changes nothing)."""
    existing = selectors.plan_of(organisation)
    if existing is not None:
        return existing
    now = timezone.now()
    plan = Plan.objects.create(
        organisation=organisation, adopted_at=now, adopted_by=actor, updated_at=now
    )
    for position, (code, name, hours, fallback, needs, minimums) in enumerate(
        template.ACTIVITIES, start=1
    ):
        activity = CriticalActivity.objects.create(
            organisation=organisation,
            plan=plan,
            code=code,
            name=name,
            position=position,
            max_downtime_hours=hours,
            fallback=fallback,
            dependencies=needs,
        )
        MinimumStaffing.objects.bulk_create(
            MinimumStaffing(
                organisation=organisation,
                activity=activity,
                role=role,
                minimum=minimum,
                on_site_only=on_site,
            )
            for role, minimum, on_site in minimums
        )
    _snapshot(plan, actor)
    audit.record(
        action="continuity.plan_adopted",
        organisation=organisation,
        actor=actor,
        obj=plan,
        changes={"activities": len(template.ACTIVITIES)},
    )
    return plan


@write_transaction
def plan_add_activities(*, organisation, actor, activities: list[dict]) -> Plan:
    """Add to the organisation's plan (adopted now if it has none) the ``activities`` whose
    code it does not have: ``[{"code", "name", "max_downtime_hours", "fallback",
    "dependencies", "minimums": [[role, minimum, on_site_only]]}]`` (a federation template's
    content). Activities already in the plan are never changed; the plan's version goes up by
    one, snapshot kept, when some were added."""
    now = timezone.now()
    plan = Plan.objects.select_for_update(of=("self",)).filter(organisation=organisation).first()
    created = plan is None
    if created:
        plan = Plan.objects.create(
            organisation=organisation, adopted_at=now, adopted_by=actor, updated_at=now
        )
    have = set(plan.activities.values_list("code", flat=True))
    first = plan.activities.count() + 1
    added = [row for row in activities if row["code"] not in have]
    for position, row in enumerate(added, start=first):
        activity = CriticalActivity.objects.create(
            organisation=organisation,
            plan=plan,
            code=row["code"],
            name=row["name"],
            position=position,
            max_downtime_hours=row["max_downtime_hours"],
            fallback=row["fallback"],
            dependencies=row["dependencies"],
        )
        MinimumStaffing.objects.bulk_create(
            MinimumStaffing(
                organisation=organisation,
                activity=activity,
                role=role,
                minimum=minimum,
                on_site_only=on_site,
            )
            for role, minimum, on_site in row["minimums"]
        )
    if added and not created:
        plan.version += 1
        plan.updated_at = now
        plan.save(update_fields=["version", "updated_at"])
    if added or created:
        _snapshot(plan, actor)
    audit.record(
        action="continuity.plan_adopted",
        organisation=organisation,
        actor=actor,
        obj=plan,
        changes={"activities": len(added)},
    )
    return plan


@write_transaction
def activity_save(
    *, organisation, actor, activity: CriticalActivity, minimums=(), deleted=()
) -> CriticalActivity:
    """Save ``activity`` (changed by a form) with its ``minimums`` (``MinimumStaffing`` rows
    to save) and ``deleted`` ones; the plan's version goes up by one and is kept."""
    plan = Plan.objects.select_for_update(of=("self",)).get(
        organisation=organisation, pk=activity.plan_id
    )
    activity.organisation = organisation
    activity.save()
    for row in deleted:
        row.delete()
    for row in minimums:
        row.organisation, row.activity = organisation, activity
        row.save()
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["version", "updated_at"])
    _snapshot(plan, actor)
    audit.record(
        action="continuity.activity_changed",
        organisation=organisation,
        actor=actor,
        obj=activity,
        changes={"version": plan.version},
    )
    return activity


# The directory and the declared days ------------------------------------------------------------


@write_transaction
def staff_save(*, organisation, actor, staff: StaffMember) -> StaffMember:
    """Create or change a directory entry (``staff`` filled by a form); audited, the
    "vulnerable" flag among the sensitive fields (``audit_actions``)."""
    created = staff.pk is None
    staff.organisation = organisation
    staff.save()
    audit.record(
        action="continuity.staff_created" if created else "continuity.staff_changed",
        organisation=organisation,
        actor=actor,
        obj=staff,
        changes={
            "team": staff.team,
            "agency": staff.agency_id,
            "manager": staff.manager_id,
            "can_drive": staff.can_drive,
            "first_aid": staff.first_aid,
            "vulnerable": staff.vulnerable,
        },
    )
    return staff


@write_transaction
def day_declare(*, organisation, actor, staff: StaffMember, day: dt.date, status: str):
    """Record where ``staff`` is on ``day`` (replacing a declaration of the same day; the
    same status again writes nothing). The capabilities registered in ``listeners`` react
    in the same transaction (the rounds hand an absent caretaker's passages over). While the
    plan is active, a shortfall that the undeclared staff could not fill is alerted at once
    (task on commit)."""
    existing = Declaration.objects.filter(staff=staff, day=day).first()
    if existing is not None and existing.status == status:
        return existing
    before = existing.status if existing is not None else ""
    declaration, _created = Declaration.objects.update_or_create(
        staff=staff,
        day=day,
        defaults={
            "organisation": organisation,
            "status": status,
            "declared_by": actor,
            "declared_at": timezone.now(),
        },
    )
    audit.record(
        action="continuity.day_declared",
        organisation=organisation,
        actor=actor,
        obj=declaration,
        object_repr=f"{staff} – {day.isoformat()}",
        changes={"status": [before, status], "day": day.isoformat()},
    )
    listeners.day_declared(
        organisation=organisation,
        actor=actor,
        staff=staff,
        day=day,
        status=status,
        before=before,
    )
    if current_crisis_state(organisation).continuity_plan_active:
        organisation_id, iso = organisation.pk, day.isoformat()
        transaction.on_commit(
            lambda: enqueue("relais.continuity.tasks.check_coverage", organisation_id, iso, True)
        )
    return declaration


# The decision log ----------------------------------------------------------------------------


@write_transaction
def decision_log(*, organisation, actor, text: str, reason: str = "", kind=Decision.Kind.DECISION):
    """Append a line to the decision log (never changed afterwards) and its audit event,
    which holds the line's fields: ``selectors.decision_log_problems`` compares the two."""
    plan = selectors.plan_of(organisation)
    entry = Decision.objects.create(
        organisation=organisation,
        kind=kind,
        decided_at=timezone.now().replace(microsecond=0),
        decided_by=actor if actor is not None and actor.is_authenticated else None,
        text=text.strip(),
        reason=reason.strip(),
        plan_version=plan.version if plan is not None else None,
    )
    audit.record(
        action=selectors.LOGGED,
        organisation=organisation,
        actor=actor,
        obj=entry,
        changes=selectors.decision_fields(entry),
    )
    return entry


def on_plan_switch(*, organisation, actor, on: bool) -> None:
    """The crisis switch ``continuity_plan_active`` flipped: the log says so (core's
    ``crisis_mode_change`` calls this inside its transaction)."""
    with translation.override("fr"):
        if on:
            kind, text = Decision.Kind.ACTIVATED, _("Continuity plan activated.")
        else:
            kind, text = Decision.Kind.DEACTIVATED, _("Continuity plan stood down.")
        reason = _("Crisis mode page: switch “continuity plan activated”.")
    decision_log(organisation=organisation, actor=actor, text=text, reason=reason, kind=kind)


# Alerts and the report -------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _shortfall_line(role: str, available: int, minimum: int) -> str:
    """« Gardien : 1 disponible sur 2 nécessaires »: each count agrees with its own noun."""
    return _("%(role)s: %(available)s of %(needed)s") % {
        "role": role,
        "available": ngettext("%(count)s available", "%(count)s available", available)
        % {"count": available},
        "needed": ngettext("%(count)s needed", "%(count)s needed", minimum) % {"count": minimum},
    }


def coverage_alerts(*, organisation, day: dt.date, certain_only: bool) -> int:
    """E-mail each activity's owner once per day when it is below its minimum staffing on
    ``day`` (``certain_only``: only when the undeclared staff could not fill the gap). Only
    while the plan is active. Returns the number of alerts queued (deduplicated)."""
    if not current_crisis_state(organisation).continuity_plan_active:
        return 0
    queued = 0
    with translation.override("fr"), transaction.atomic():
        for activity, cover in selectors.below_minimum(organisation, day) or []:
            if certain_only and not cover.certainly_below:
                continue
            if not activity.owner_email:
                continue
            lines = [
                _shortfall_line(Role(n.need.role).label, n.available, n.need.minimum)
                for n in cover.needs
                if n.shortfall
            ]
            queue_message(
                organisation=organisation,
                channel="email",
                to=activity.owner_email,
                subject=_("Below minimum staffing: %(activity)s") % {"activity": activity.name},
                body="\n".join(
                    [
                        _("%(activity)s is below its minimum staffing on %(day)s.")
                        % {"activity": activity.name, "day": pdf.fr_date(day)},
                        *lines,
                        _("Fallback mode: %(text)s") % {"text": activity.fallback},
                        _absolute(reverse("continuity:coverage")),
                    ]
                ),
                purpose=ALERT_PURPOSE,
                dedupe_key=f"continuity-coverage:{activity.pk}:{day.isoformat()}",
            )
            queued += 1
    return queued


def _director_addresses(organisation) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, role=Role.DIRECTOR, is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


@write_transaction
def report_build(*, organisation, day: dt.date, actor=None) -> SituationReport:
    """Build (or rebuild) ``day``'s situation report from the live figures, print it and
    e-mail it to the directors (once per director and day)."""
    with translation.override("fr"):
        figures = report.compute_all(organisation, day)
        below = [a.name for a, _c in selectors.below_minimum(organisation, day) or []]
        state = current_crisis_state(organisation)
        plan_line = _("Continuity plan activated") if state.continuity_plan_active else ""
        plan_line = plan_line or _("Continuity plan not activated")
    found, _created = SituationReport.objects.update_or_create(
        organisation=organisation,
        day=day,
        defaults={"built_at": timezone.now().replace(microsecond=0), "figures": figures},
    )
    found.pdf = pdf.report_pdf(found, plan_line=plan_line, below=below)
    directors = _director_addresses(organisation)
    found.emailed_to = len(directors)
    found.save(update_fields=["pdf", "emailed_to"])
    _email(found, directors, plan_line)
    audit.record(
        action="continuity.report_built",
        organisation=organisation,
        actor=actor,
        obj=found,
        changes={"day": day.isoformat(), "emailed_to": len(directors)},
    )
    return found


def _email(found: SituationReport, directors: list[str], plan_line: str) -> None:
    with translation.override("fr"):
        lines = [f"{row['label']} : {pdf.figure_value(row)}" for row in found.figures]
        body = "\n".join(
            [
                _("Situation report of %(day)s") % {"day": pdf.fr_date(found.day)},
                plan_line,
                "",
                *lines,
                "",
                _absolute(reverse("continuity:report_pdf", args=[found.pk])),
            ]
        )
        subject = _("Situation report of %(day)s – %(landlord)s") % {
            "day": pdf.fr_date(found.day),
            "landlord": found.organisation.name,
        }
    for address in directors:
        queue_message(
            organisation=found.organisation,
            channel="email",
            to=address,
            subject=subject,
            body=body,
            purpose=REPORT_PURPOSE,
            dedupe_key=f"continuity-report:{found.day.isoformat()}:{address}",
        )
