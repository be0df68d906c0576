"""The continuity plan as a federation template (ADR 0049): content is ``{"activities":
[{"code", "name", "max_downtime_hours", "fallback", "dependencies", "minimums": [[role,
minimum, on_site_only]]}]}``. The plan is one per member: adopting adds the activities the
member's plan does not have (``services.plan_add_activities``, a new plan version); its own
activities are never changed. Edited on the plan's page, activity by activity."""

from django import forms
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core.roles import Role
from relais.federation.library.registry import ContentForm, register_kind

from . import services, template
from .models import Plan

KIND = "continuity.plan"
SPARE_ROWS = 2


class PlanForm(ContentForm):
    """A row of fields per critical activity, and two empty rows to add some; each row keeps
    its code and minimum staffing (members set their own on their plan)."""

    def __init__(self, *args, content=None, **kwargs):
        self.source = list((content or {}).get("activities", []))
        super().__init__(*args, content=content, **kwargs)
        for i in range(len(self.source) + SPARE_ROWS):
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Activity %(n)d") % {"n": i + 1}, required=False, max_length=200
            )
            self.fields[f"hours_{i}"] = forms.IntegerField(
                label=_("Maximum tolerable downtime (hours)"), required=False, min_value=1
            )
            self.fields[f"fallback_{i}"] = forms.CharField(
                label=_("Fallback mode"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"dependencies_{i}"] = forms.CharField(
                label=_("Dependencies"), required=False, max_length=1000
            )

    def initial_from(self, content):
        initial = {}
        for i, row in enumerate(content.get("activities", [])):
            initial.update(
                {
                    f"name_{i}": row["name"],
                    f"hours_{i}": row["max_downtime_hours"],
                    f"fallback_{i}": row["fallback"],
                    f"dependencies_{i}": row["dependencies"],
                }
            )
        return initial

    def clean(self):
        data = super().clean()
        for i in range(len(self.source) + SPARE_ROWS):
            if (data.get(f"name_{i}") or "").strip() and not data.get(f"hours_{i}"):
                self.add_error(f"hours_{i}", _("Give the maximum tolerable downtime."))
        return data

    def content(self):
        data, rows = self.cleaned_data, []
        for i in range(len(self.source) + SPARE_ROWS):
            name = " ".join((data[f"name_{i}"] or "").split())
            if not name:
                continue
            kept = self.source[i] if i < len(self.source) else {}
            rows.append(
                {
                    "code": kept.get("code") or slugify(name)[:40],
                    "name": name,
                    "max_downtime_hours": data[f"hours_{i}"],
                    "fallback": data[f"fallback_{i}"].strip(),
                    "dependencies": data[f"dependencies_{i}"].strip(),
                    "minimums": kept.get("minimums", []),
                }
            )
        return {"activities": rows}


def default() -> dict:
    return {
        "activities": [
            {
                "code": code,
                "name": name,
                "max_downtime_hours": hours,
                "fallback": fallback,
                "dependencies": needs,
                "minimums": [[str(role), minimum, on_site] for role, minimum, on_site in mins],
            }
            for code, name, hours, fallback, needs, mins in template.ACTIVITIES
        ]
    }


def export(plan: Plan) -> dict:
    activities = plan.activities.prefetch_related("minimums").order_by("position", "pk")
    return {
        "activities": [
            {
                "code": a.code,
                "name": a.name,
                "max_downtime_hours": a.max_downtime_hours,
                "fallback": a.fallback,
                "dependencies": a.dependencies,
                "minimums": [
                    [m.role, m.minimum, m.on_site_only]
                    for m in sorted(a.minimums.all(), key=lambda m: m.pk)
                    if m.agency_id is None
                ],
            }
            for a in activities
        ]
    }


def adopt(organisation, actor, content: dict) -> Plan:
    return services.plan_add_activities(
        organisation=organisation, actor=actor, activities=content["activities"]
    )


def describe(content: dict) -> list[tuple[str, str]]:
    roles = dict(Role.choices)
    out = []
    for row in content["activities"]:
        staff = ", ".join(
            f"{minimum} × {roles.get(role, role)}" for role, minimum, _on_site in row["minimums"]
        )
        hours = _("at most %(hours)d hours stopped") % {"hours": row["max_downtime_hours"]}
        text = "\n".join(part for part in (hours, row["fallback"], staff) if part)
        out.append((row["name"], text))
    return out


def register() -> None:
    register_kind(
        KIND,
        gettext_lazy("Continuity plan"),
        export=export,
        adopt=adopt,
        edit_url=lambda plan: reverse("continuity:plan"),
        get=lambda organisation, pk: Plan.objects.filter(organisation=organisation, pk=pk).first(),
        form=PlanForm,
        default=default,
        describe=describe,
        ability="continuity.plan_edit",
        order=10,
    )
