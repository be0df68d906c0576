"""What work orders, contractors, the on-call rota and the dashboard add to core's
registries (called from ``InterventionsConfig.ready()``):

- technician (and manager): the overdue work orders (a count and a slice: two queries);
- director: the response targets met over the last 30 days, by priority (one grouped query);
- quick links to the contractors, work orders, on-call rota and dashboard;
- who is on call now, per agency, under the public crisis notice.
"""

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import crisis, home
from relais.core.roles import Role

from ..on_call.selectors import on_call_now
from . import selectors

SLA_WINDOW = dt.timedelta(days=30)


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def overdue_card(ctx: home.HomeContext) -> home.Card:
    late = selectors.overdue(ctx.organisation, ctx.now)
    rows = late.select_related("request", "contractor").order_by("due_at", "pk")[: home.ROWS]
    return home.Card(
        key="interventions.overdue_work_orders",
        title=_("Overdue work orders"),
        count=late.count(),
        empty=_("Work orders past their response target will appear here."),
        url=f"{reverse('interventions:work_order_list')}?overdue=1",
        link_label=_("All overdue work orders"),
        rows=[
            home.CardRow(
                f"{wo.request.tracking_number} – {wo.contractor.name}",
                _("due %(when)s") % {"when": _when(wo.due_at)},
                url=reverse("interventions:work_order_detail", args=[wo.pk]),
                tone="danger",
            )
            for wo in rows
        ],
    )


def sla_card(ctx: home.HomeContext) -> home.Card:
    recent = selectors.for_organisation(ctx.organisation).filter(sent_at__gte=ctx.now - SLA_WINDOW)
    rows = selectors.sla_by_priority(recent, ctx.now)
    measured = sum(row.measured for row in rows)
    return home.Card(
        key="interventions.sla",
        title=_("Response targets met (30 days)"),
        count=measured,
        text=_("work orders measured") if measured else "",
        empty=_("The share of work orders done within their target will appear here."),
        url=reverse("interventions:dashboard"),
        link_label=_("Interventions dashboard"),
        rows=[
            home.CardRow(
                row.label,
                _("%(rate)s %% on time (%(met)d of %(measured)d)")
                % {
                    "rate": formats.number_format(round(row.rate * 100)),
                    "met": row.met,
                    "measured": row.measured,
                },
                tone="warning" if row.rate < 0.8 else "",
            )
            for row in rows
        ],
        hidden=0,
    )


def on_call_lines(organisation) -> list[crisis.NoticeLine]:
    """(agency, phone) of each agency's first-ranked person on call now."""
    shifts = on_call_now(organisation, timezone.now()).values()
    return sorted(crisis.NoticeLine(shift.agency.name, shift.phone) for shift in shifts)


LINKS = (
    ("interventions:contractor_list", gettext_lazy("Contractors"), "intervention.view", 43),
    ("interventions:work_order_list", gettext_lazy("Work orders"), "intervention.view", 44),
    ("interventions:on_call_list", gettext_lazy("On-call rota"), "intervention.view", 45),
    (
        "interventions:dashboard",
        gettext_lazy("Interventions dashboard"),
        "intervention.dashboard",
        46,
    ),
)


def register() -> None:
    home.register_card(
        "interventions.overdue_work_orders",
        roles={Role.TECHNICIAN, Role.MANAGER},
        order=26,
        build=overdue_card,
    )
    home.register_card("interventions.sla", roles={Role.DIRECTOR}, order=26, build=sla_card)
    for url_name, label, ability, order in LINKS:
        home.register_link(url_name, label, ability=ability, order=order)
    crisis.register_on_call_source(on_call_lines, capability="interventions")
