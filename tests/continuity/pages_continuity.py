"""Continuity pages in the authorisation matrix.

POST-only actions (declaring for a team member, adopting the plan, building a report) are
tested in test_pages.py.
"""

import datetime as dt

from django.utils import timezone

from relais.continuity import services
from relais.continuity.models import CriticalActivity
from relais.core.roles import Role

from .factories import staff

PAGES = {
    "continuity:overview": ("continuity.view", None),
    "continuity:declare": ("continuity.declare", None),
    "continuity:team": ("continuity.declare_team", None),
    "continuity:staff_list": ("continuity.view", None),
    "continuity:staff_create": ("staff.manage", None),
    "continuity:staff_edit": ("staff.manage", {"pk": "staff_member"}),
    "continuity:plan": ("continuity.view", None),
    "continuity:activity_edit": ("continuity.plan_edit", {"pk": "critical_activity"}),
    "continuity:coverage": ("continuity.view", None),
    "continuity:decision_log": ("continuity.log_view", None),
    "continuity:decision_log_pdf": ("continuity.log_view", None),
    "continuity:report_list": ("continuity.report", None),
    "continuity:report_detail": ("continuity.report", {"pk": "situation_report"}),
    "continuity:report_pdf": ("continuity.report", {"pk": "situation_report"}),
}
NOT_PAGES = {"continuity:team_declare", "continuity:plan_adopt", "continuity:report_build"}


def world(organisation, mark, base) -> dict:
    person = staff(organisation, Role.CARETAKER, first="Agent", last=mark, team=f"Équipe {mark}")
    services.day_declare(
        organisation=organisation,
        actor=None,
        staff=person,
        day=timezone.localdate(),
        status="sick",
    )
    services.plan_adopt(organisation=organisation, actor=None)
    activity = CriticalActivity.objects.get(organisation=organisation, code="cleaning")
    CriticalActivity.objects.filter(pk=activity.pk).update(name=f"Nettoyage {mark}")
    services.decision_log(organisation=organisation, actor=None, text=f"Décision {mark}")
    report = services.report_build(
        organisation=organisation, day=timezone.localdate() - dt.timedelta(days=1)
    )
    return {"staff_member": person, "critical_activity": activity, "situation_report": report}
