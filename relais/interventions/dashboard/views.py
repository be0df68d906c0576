"""The interventions dashboard (directors, managers, technicians)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from relais.core.tenancy import require_ability

from ..models import Priority
from . import charts, selectors
from .forms import ScopeForm

AGE_LABELS = {
    "lt7": _("less than a week"),
    "lt14": _("1 to 2 weeks"),
    "lt28": _("2 to 4 weeks"),
    "ge28": _("4 weeks or more"),
}
# Below this share on time, a bar is drawn as a problem.
SLA_ALERT = 0.8


def _percent(rate) -> str:
    return "—" if rate is None else f"{formats.number_format(round(rate * 100))} %"


def _sla_chart(rows):
    return charts.bars(
        [
            (
                f"{row.label} ({row.met}/{row.measured})",
                row.rate or 0,
                _percent(row.rate),
                "" if row.rate is None else ("good" if row.rate >= SLA_ALERT else "bad"),
            )
            for row in rows
        ],
        scale=1.0,
    )


@login_required
def dashboard(request):
    require_ability(request, "intervention.dashboard")
    organisation = request.organisation
    form = ScopeForm(request.GET or None, organisation=organisation)
    data = form.cleaned_data if form.is_valid() else {}
    scope = selectors.Scope(organisation, data.get("agency"), data.get("residence"))
    now = timezone.now()
    urgent = selectors.open_urgent(scope)
    ages, oldest = selectors.backlog_age(scope, now)
    by_priority, by_contractor = selectors.sla(scope, now)
    labels = dict(Priority.choices)
    context = {
        "form": form,
        "urgent": [(labels[p], n) for p, n in urgent.items()],
        "backlog_total": sum(ages.values()),
        "oldest": oldest,
        "age_chart": charts.bars(
            [(str(AGE_LABELS[k]), n, formats.number_format(n), "") for k, n in ages.items()]
        )
        if any(ages.values())
        else [],
        "priority_chart": _sla_chart(by_priority),
        "contractor_chart": _sla_chart(by_contractor),
    }
    for name in ("age_chart", "priority_chart", "contractor_chart"):
        context[f"{name}_height"] = charts.height(context[name])
    return render(request, "interventions/dashboard/dashboard.html", context)
