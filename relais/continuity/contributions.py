"""What continuity adds to core's registries, from ``ContinuityConfig.ready()``: menu entries
(crisis group), home cards, quick links, the ``continuity_plan_active`` line on ``/crise/``
and its listener, and the outbox purposes.

Cards (fixed queries; a card that does not apply to the person returns None):
- every staff member in the directory: "declare your day" until done (1 query);
- managers: their team not declared yet (1 query), activities below minimum today (1 query
  without a plan, 2 with);
- directors: the latest situation report (1 query).
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.core import crisis, home, navigation
from relais.core.outbox import register_purpose
from relais.core.roles import STAFF_ROLES, Role
from relais.formats import long_date

from . import selectors, services
from .models import Declaration, StaffMember


def _declared_today(day):
    return Exists(Declaration.objects.filter(staff=OuterRef("pk"), day=day))


def declare_card(ctx: home.HomeContext) -> home.Card | None:
    staff = (
        StaffMember.objects.for_organisation(ctx.organisation)
        .filter(membership=ctx.membership)
        .annotate(declared=_declared_today(ctx.today))
        .first()
    )
    if staff is None or staff.declared:
        return None
    return home.Card(
        key="continuity.declare_day",
        title=_("Declare your day"),
        count=None,
        text=_("On site, telework or absent: one tap."),
        empty=_("Say where you work today, so that the critical activities can be covered."),
        url=reverse("continuity:declare"),
        link_label=_("Declare my day"),
    )


def team_card(ctx: home.HomeContext) -> home.Card | None:
    team = list(
        selectors.team_of(ctx.organisation, ctx.user).annotate(declared=_declared_today(ctx.today))
    )
    if not team:
        return None
    waiting = [person for person in team if not person.declared]
    return home.Card(
        key="continuity.team_undeclared",
        title=_("Your team: days not declared"),
        count=len(waiting),
        empty=_("Everyone in your team has declared their day."),
        url=reverse("continuity:team"),
        link_label=_("Declare for my team"),
        rows=[home.CardRow(str(person), person.team) for person in waiting[: home.ROWS]],
    )


def below_card(ctx: home.HomeContext) -> home.Card | None:
    below = selectors.below_minimum(ctx.organisation, ctx.today)
    if below is None:
        return None
    return home.Card(
        key="continuity.below_minimum",
        title=_("Critical activities below minimum staffing"),
        count=len(below),
        empty=_("Every critical activity has its minimum staffing today."),
        url=reverse("continuity:coverage"),
        link_label=_("Two-week coverage"),
        rows=[
            home.CardRow(
                activity.name,
                ngettext("%(n)s missing", "%(n)s missing", cover.shortfall)
                % {"n": cover.shortfall},
                url=reverse("continuity:coverage"),
                tone="warning",
            )
            for activity, cover in below[: home.ROWS]
        ],
    )


def report_card(ctx: home.HomeContext) -> home.Card | None:
    found = selectors.latest_report(ctx.organisation)
    if found is None:
        return None
    return home.Card(
        key="continuity.latest_report",
        title=_("Latest situation report"),
        count=None,
        text=long_date(found.day),
        empty=_("The situation report is built each morning."),
        url=reverse("continuity:report_detail", args=[found.pk]),
        link_label=_("Read the report"),
        rows=[
            home.CardRow(
                _("Printable report (PDF)"),
                _("built at %(time)s")
                % {"time": formats.time_format(timezone.localtime(found.built_at), "H:i")},
                url=reverse("continuity:report_pdf", args=[found.pk]),
            )
        ],
    )


def register_menu() -> None:
    entries = [
        (gettext_lazy("Continuity plan"), "continuity:overview", "continuity.view", 30),
        (gettext_lazy("Declare my day"), "continuity:declare", "continuity.declare", 31),
        (gettext_lazy("My team's days"), "continuity:team", "continuity.declare_team", 32),
        (gettext_lazy("Staff directory"), "continuity:staff_list", "continuity.view", 33),
        (gettext_lazy("Staffing coverage"), "continuity:coverage", "continuity.view", 34),
        (gettext_lazy("Decision log"), "continuity:decision_log", "continuity.log_view", 35),
        (gettext_lazy("Situation reports"), "continuity:report_list", "continuity.report", 36),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("crisis", label, url_name, ability=ability, order=order)


def register() -> None:
    from . import federation_template

    federation_template.register()
    register_menu()
    home.register_card("continuity.declare_day", roles=STAFF_ROLES, order=5, build=declare_card)
    home.register_card(
        "continuity.team_undeclared", roles={Role.MANAGER}, order=12, build=team_card
    )
    home.register_card("continuity.below_minimum", roles={Role.MANAGER}, order=13, build=below_card)
    home.register_card(
        "continuity.latest_report", roles={Role.DIRECTOR}, order=12, build=report_card
    )
    home.register_link(
        "continuity:declare",
        gettext_lazy("Declare my day"),
        ability="continuity.declare",
        order=20,
    )
    crisis.register_effect(
        services.SWITCH,
        gettext_lazy(
            "The continuity plan is in force: the decision log records who activated it and "
            "when; staff declare their day, and each critical activity's owner is e-mailed "
            "when it falls below its minimum staffing."
        ),
        capability="continuity",
    )
    crisis.register_effect(
        services.SWITCH,
        gettext_lazy("Switched off, the log records that the plan was stood down."),
        capability="continuity",
    )
    crisis.register_switch_listener(
        services.SWITCH, services.on_plan_switch, capability="continuity"
    )
    register_purpose(services.ALERT_PURPOSE, gettext_lazy("Continuity: activity short-staffed"))
    register_purpose(services.REPORT_PURPOSE, gettext_lazy("Continuity: daily situation report"))
