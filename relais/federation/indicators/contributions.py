"""What the federation's indicators add to the shared registries: menu entries, the
analyst's home cards (members that have not reported, the latest figures), the members' card
(this week's figures to send), the reminder's outbox purpose and the quick links."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.core import home, navigation
from relais.core.outbox.purposes import register_purpose
from relais.core.roles import Role

from . import selectors, services
from .registry import Week


def _last_week(ctx) -> Week:
    return Week.of(ctx.today).previous()


def missing_card(ctx):
    """Analyst: members of the federation without figures for last week."""
    federation = ctx.organisation.federation
    if federation is None:
        return None
    week = _last_week(ctx)
    missing = [s for s in selectors.completeness(federation, week) if not s.reported]
    url = reverse("federation:completeness") + f"?semaine={week.code}"
    return home.Card(
        key="federation.missing",
        title=_("Members that have not reported"),
        count=len(missing),
        empty=_("Every member has reported its figures for the week of %(day)s.")
        % {"day": week.start.strftime("%d/%m/%Y")},
        url=url,
        link_label=_("Completeness and reminders"),
        rows=[
            home.CardRow(
                label=s.organisation.name,
                detail=_("reminded %(n)d times") % {"n": s.report.reminders}
                if s.report and s.report.reminders
                else _("not reminded yet"),
                url=url,
                tone="warning",
            )
            for s in missing[: home.ROWS]
        ],
    )


def regional_card(ctx):
    """Analyst: last week's regional figures at a glance."""
    federation = ctx.organisation.federation
    if federation is None:
        return None
    from .display import figure_text

    week = _last_week(ctx)
    values = selectors.values_for(selectors.members_ids(federation), [week.start])
    shown = [r for r in selectors.regional(values) if r.value is not None]
    return home.Card(
        key="federation.regional",
        title=_("Regional figures of last week"),
        count=len(shown),
        empty=_("No figure yet for the week of %(day)s.")
        % {"day": week.start.strftime("%d/%m/%Y")},
        url=reverse("federation:dashboard") + f"?semaine={week.code}",
        link_label=_("Open the dashboard"),
        rows=[
            home.CardRow(
                label=str(r.indicator.label),
                detail=figure_text(r.indicator.unit, r.value),
            )
            for r in shown[: home.ROWS]
        ],
        hidden=max(len(shown) - home.ROWS, 0),
    )


def member_card(ctx):
    """Directors and managers of a member: last week's figures, computed or to send."""
    if ctx.organisation.federation_id is None:
        return None
    from .models import IndicatorValue

    week = _last_week(ctx)
    figures = IndicatorValue.objects.filter(
        organisation=ctx.organisation, week_start=week.start
    ).count()
    day = week.start.strftime("%d/%m/%Y")
    # One sentence, never both: the figures there are, or what to do when there is none (the
    # card shows ``empty`` when it has no rows).
    if figures:
        sentence = ngettext(
            "%(n)d figure for the week of %(day)s.",
            "%(n)d figures for the week of %(day)s.",
            figures,
        ) % {"n": figures, "day": day}
    else:
        sentence = _("No figure for the week of %(day)s: send the figures you keep elsewhere.") % {
            "day": day
        }
    return home.Card(
        key="federation.my_figures",
        title=_("Figures for the federation"),
        count=figures,
        empty=sentence,
        url=reverse("federation:my_figures") + f"?semaine={week.code}",
        link_label=_("My figures against the region"),
    )


def register() -> None:
    register_purpose(services.REMINDER_PURPOSE, gettext_lazy("Federation: figures reminder"))
    navigation.register_item(
        "federation",
        gettext_lazy("Regional indicators"),
        "federation:dashboard",
        ability="federation.dashboard",
        order=10,
    )
    navigation.register_item(
        "federation",
        gettext_lazy("Members' reporting"),
        "federation:completeness",
        ability="federation.remind",
        order=11,
    )
    navigation.register_item(
        "federation",
        gettext_lazy("My figures for the federation"),
        "federation:my_figures",
        ability="federation.own_figures",
        order=12,
    )
    analyst = {Role.FEDERATION_ANALYST}
    home.register_card("federation.missing", roles=analyst, order=5, build=missing_card)
    home.register_card("federation.regional", roles=analyst, order=6, build=regional_card)
    home.register_card(
        "federation.my_figures", roles={Role.DIRECTOR, Role.MANAGER}, order=90, build=member_card
    )
