"""What interventions adds to core's registries, from ``InterventionsConfig.ready()``: home
cards, quick links, the crisis switch's lines on ``/crise/`` and its listener, and the public
form's link in the crisis notice.

Cards (each a count and a slice of five: two queries):
- technician: the requests to triage, the most pressing first;
- customer officer: the calls to return (tenants who asked to be called back), and the
  deferred backlog with its oldest request's age;
- director: the open safety requests.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import crisis, home, navigation
from relais.core.roles import Role

from .models import RequestStatus
from .requests import selectors
from .requests.whitelist import on_switch

SWITCH = "urgent_interventions_only"


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _who(found) -> str:
    """The household's name, or the building's address for a common-area request."""
    if found.household_id is None:
        return _("%(address)s (common areas)") % {"address": found.building.address}
    return found.household.name


def _row(found, detail: str, tone: str = "") -> home.CardRow:
    return home.CardRow(
        f"{found.tracking_number} – {_who(found)}",
        detail,
        url=reverse("interventions:request_detail", args=[found.pk]),
        tone=tone,
    )


def _list_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('interventions:request_list')}?{query}"


def to_triage_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.to_triage(ctx.organisation)
    rows = waiting.select_related("household", "building", "category").order_by(
        *selectors.TRIAGE_ORDER
    )
    return home.Card(
        key="interventions.to_triage",
        title=_("Requests to triage"),
        count=waiting.count(),
        empty=_("Tenants' new requests will appear here, the most pressing first."),
        url=_list_url(status=RequestStatus.NEW),
        link_label=_("All requests to triage"),
        rows=[
            _row(
                r,
                f"{r.category.name} · {r.get_priority_display()} · {_when(r.reported_at)}",
                "warning" if r.priority == "safety" else "",
            )
            for r in rows[: home.ROWS]
        ],
    )


def calls_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.calls_to_return(ctx.organisation)
    rows = waiting.select_related("household", "building").order_by("reported_at", "pk")
    return home.Card(
        key="interventions.calls_to_return",
        title=_("Tenants to call back"),
        count=waiting.count(),
        empty=_("Tenants who ask to be called back about a request will appear here."),
        rows=[
            _row(r, _("asked on %(when)s") % {"when": _when(r.reported_at)})
            for r in rows[: home.ROWS]
        ],
    )


def deferred_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.deferred_backlog(ctx.organisation)
    rows = list(
        waiting.select_related("household", "building").order_by("deferred_at", "pk")[: home.ROWS]
    )
    count = waiting.count()
    text = ""
    if rows:
        text = _("The oldest has waited %(age)s.") % {"age": timesince(rows[0].deferred_at)}
    return home.Card(
        key="interventions.deferred",
        title=_("Requests deferred until the restart"),
        count=count,
        text=text,
        empty=_("While only urgent interventions are carried out, the other requests wait here."),
        url=_list_url(status=RequestStatus.DEFERRED),
        link_label=_("The whole deferred backlog"),
        rows=[_row(r, _("deferred on %(when)s") % {"when": _when(r.deferred_at)}) for r in rows],
    )


def safety_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.open_safety(ctx.organisation)
    rows = waiting.select_related("household", "building", "category").order_by("reported_at", "pk")
    return home.Card(
        key="interventions.open_safety",
        title=_("Open safety requests"),
        count=waiting.count(),
        empty=_("Requests about fire, gas or other dangers will appear here until closed."),
        url=_list_url(status=RequestStatus.NEW, priority="safety"),
        link_label=_("Safety requests to triage"),
        rows=[
            _row(
                r,
                f"{r.category.name} · {r.get_status_display()} · {_when(r.reported_at)}",
                "danger",
            )
            for r in rows[: home.ROWS]
        ],
    )


def register_menu() -> None:
    """Interventions' entries in the main menu (the field group)."""
    entries = [
        (gettext_lazy("Interventions"), "interventions:request_list", "intervention.view", 10),
        (gettext_lazy("Work orders"), "interventions:work_order_list", "intervention.view", 12),
        (
            gettext_lazy("Interventions dashboard"),
            "interventions:dashboard",
            "intervention.dashboard",
            14,
        ),
        (gettext_lazy("Contractors"), "interventions:contractor_list", "intervention.view", 16),
        (gettext_lazy("On-call rota"), "interventions:on_call_list", "intervention.view", 18),
        (
            gettext_lazy("Intervention categories"),
            "interventions:category_list",
            "intervention.configure",
            19,
        ),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("field", label, url_name, ability=ability, order=order)


def register() -> None:
    register_menu()
    home.register_card(
        "interventions.to_triage",
        roles={Role.TECHNICIAN, Role.MANAGER},
        order=25,
        build=to_triage_card,
    )
    home.register_card(
        "interventions.calls_to_return",
        roles={Role.CUSTOMER_OFFICER},
        order=25,
        build=calls_card,
    )
    home.register_card(
        "interventions.deferred", roles={Role.CUSTOMER_OFFICER}, order=26, build=deferred_card
    )
    home.register_card(
        "interventions.open_safety", roles={Role.DIRECTOR}, order=25, build=safety_card
    )
    home.register_link(
        "interventions:request_list",
        gettext_lazy("Intervention requests"),
        ability="intervention.view",
        order=40,
    )
    home.register_link(
        "interventions:call_log",
        gettext_lazy("Log a tenant's call"),
        ability="intervention.log_call",
        order=41,
    )
    home.register_link(
        "interventions:category_list",
        gettext_lazy("Intervention categories and targets"),
        ability="intervention.configure",
        order=42,
    )
    crisis.register_effect(
        SWITCH,
        gettext_lazy(
            "Only requests of the whitelisted categories (safety, fluids, lifts, access) are "
            "sent to contractors; the others are recorded, and their tenants told they are "
            "deferred until activity restarts."
        ),
        capability="interventions",
    )
    crisis.register_effect(
        SWITCH,
        gettext_lazy(
            "Switched off, the deferred requests return to triage, with a report of how many "
            "there are and how long they waited; their tenants are told."
        ),
        capability="interventions",
    )
    crisis.register_switch_listener(SWITCH, on_switch, capability="interventions")
    crisis.register_public_link(
        "interventions:public_request", gettext_lazy("Report a technical problem in your home")
    )
