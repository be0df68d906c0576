"""Audit actions of continuity: the plan, the directory, declared days, the decision log, the
situation reports, and the readings of staff health statuses."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link, sensitive

from .models import Decision

action("continuity.plan_adopted", _("Continuity plan adopted"), activities=_("activities"))
action("continuity.activity_changed", _("Critical activity changed"), version=_("plan version"))
action("continuity.staff_created", _("Staff member added to the directory"))
action("continuity.staff_changed", _("Staff directory entry changed"))
action(
    "continuity.day_declared",
    _("Day declared"),
    day=_("day"),
)
action(
    "continuity.decision_logged",
    _("Continuity decision logged"),
    kind=Detail(_("kind"), dict(Decision.Kind.choices)),
)
action(
    "continuity.report_built",
    _("Situation report built"),
    day=_("day"),
    emailed_to=_("directors e-mailed"),
)
action(
    "continuity.health_viewed",
    _("Staff health statuses shown"),
    page=Detail(_("page"), {"directory": _("staff directory"), "team": _("team")}),
    people=_("people"),
)

object_link("continuity.criticalactivity", "continuity:activity_edit", "continuity.plan_edit")
object_link("continuity.staffmember", "continuity:staff_edit", "staff.manage")
object_link("continuity.situationreport", "continuity:report_detail", "continuity.report")

# Sick and isolating are health data, like the "vulnerable staff" flag.
sensitive("continuity.declaration", ["status"], "staff.view_health")
sensitive("continuity.staffmember", ["vulnerable"], "staff.view_health")
