"""What rent adds to core's registries from ``RentConfig.ready()``: menu entries (management
group), the accountant's home cards (two queries each), quick links, the ``dunning_suspended``
lines on ``/crise/`` and its listener, the outbox purposes, the situation report's
collection rate and the broadcast segment "tenants in arrears"."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.continuity.report import register_figure
from relais.core import crisis, home, navigation
from relais.core.outbox.purposes import register_purpose
from relais.core.roles import Role
from relais.messaging.segments import register_segment

from . import rules, selectors
from .collection import PURPOSE_REMINDER, on_dunning_switch
from .figures import collection_rate
from .notices import money_fr
from .services import mandate_attachments

SWITCH = "dunning_suspended"
PURPOSE_NOTICE = "rent.notice"
PURPOSE_CHANNELS = "rent.channels"


def unmatched_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.unmatched(ctx.organisation)
    return home.Card(
        key="rent.unmatched",
        title=_("Unmatched payments"),
        count=waiting.count(),
        empty=_("Payments of a bank statement that name no lease will appear here."),
        url=reverse("rent:unmatched"),
        link_label=_("Match them"),
        rows=[
            home.CardRow(
                f"{money_fr(p.amount_cents)} – {p.payer or p.reference[:40]}",
                formats.date_format(p.received_on, "SHORT_DATE_FORMAT"),
                url=reverse("rent:unmatched"),
            )
            for p in waiting[: home.ROWS]
        ],
    )


def steps_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.steps_to_do(ctx.organisation)
    return home.Card(
        key="rent.arrears",
        title=_("Arrears to review"),
        count=waiting.count(),
        empty=_("Tenants in arrears to call or write to will appear here, oldest first."),
        url=reverse("rent:steps"),
        link_label=_("All the follow-up to do"),
        rows=[
            home.CardRow(
                f"{s.lease.household.name} – {s.get_kind_display()}",
                money_fr(s.balance_cents),
                url=reverse("rent:lease", args=[s.lease_id]),
                tone="warning" if s.kind == "support" else "",
            )
            for s in waiting[: home.ROWS]
        ],
    )


def plans_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.plans_with_missed(ctx.organisation)
    return home.Card(
        key="rent.missed_plans",
        title=_("Payment plans with a missed instalment"),
        count=waiting.count(),
        empty=_("Payment plans whose instalment was not paid will appear here."),
        url=reverse("rent:plans"),
        link_label=_("All payment plans"),
        rows=[
            home.CardRow(
                p.lease.household.name,
                money_fr(p.debt_cents),
                url=reverse("rent:plan", args=[p.pk]),
                tone="warning",
            )
            for p in waiting[: home.ROWS]
        ],
    )


def arrears_segment(occupants, organisation, value):
    """Broadcast segment "tenants in arrears": the households whose overdue rent is above
    ``value`` euros (« 0 »: any overdue rent)."""
    threshold = rules.parse_euros(value)
    if threshold is None:
        raise ValidationError(
            _("Write the overdue amount above which a tenant is written to, in euros (“300”), "
              "not “%(value)s”.") % {"value": value}
        )  # fmt: skip
    overdue = selectors.households_overdue(organisation, threshold, timezone.localdate())
    return occupants.filter(household_id__in=overdue)


def register_menu() -> None:
    entries = [
        (gettext_lazy("Rent run"), "rent:runs", "rent.run", 10),
        (gettext_lazy("Payments"), "rent:payments", "rent.view", 11),
        (gettext_lazy("Arrears"), "rent:steps", "rent.view", 12),
        (gettext_lazy("Payment plans"), "rent:plans", "rent.view", 13),
        (gettext_lazy("Collection dashboard"), "rent:dashboard", "rent.dashboard", 14),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("management", label, url_name, ability=ability, order=order)


def register() -> None:
    register_menu()
    roles = {Role.ACCOUNTANT}
    home.register_card("rent.unmatched", roles=roles, order=20, build=unmatched_card)
    home.register_card("rent.arrears", roles=roles, order=21, build=steps_card)
    home.register_card("rent.missed_plans", roles=roles, order=22, build=plans_card)
    home.register_link("rent:runs", gettext_lazy("Monthly rent run"), ability="rent.run", order=50)
    home.register_link(
        "rent:statement_import",
        gettext_lazy("Import a bank statement"),
        ability="payment.record",
        order=51,
    )
    register_purpose(PURPOSE_NOTICE, gettext_lazy("Rent notice"))
    register_purpose(PURPOSE_REMINDER, gettext_lazy("Rent reminder"))
    register_purpose(
        PURPOSE_CHANNELS,
        gettext_lazy("Other ways to pay the rent"),
        attachments=mandate_attachments,
    )
    crisis.register_effect(
        SWITCH,
        gettext_lazy(
            "No automatic rent reminder is sent: each tenant in arrears gets a supportive "
            "call instead (how the household is, a payment plan, the FSL), listed for staff."
        ),
        capability="rent",
    )
    crisis.register_effect(
        SWITCH,
        gettext_lazy(
            "Switched on, the reminders waiting become supportive calls; switched off, the "
            "daily follow-up resumes its steps. Both are written in the audit trail."
        ),
        capability="rent",
    )
    crisis.register_switch_listener(SWITCH, on_dunning_switch, capability="rent")
    register_segment(
        "rent.arrears",
        gettext_lazy("Tenants in arrears"),
        arrears_segment,
        value_label=gettext_lazy("overdue rent above (€)"),
        value_help=gettext_lazy("overdue rent above this amount in euros (“0”: any overdue rent)"),
        ability="rent.view",
        private=True,
    )
    register_figure(
        "rent.collection_rate",
        gettext_lazy("Rent collected"),
        collection_rate,
        capability="rent",
        unit="percent",
        order=45,
    )
