"""What outreach adds to core's registries from ``OutreachConfig.ready()``: menu entries (the
field group), home cards, quick links, the ``outreach_active`` switch's lines on ``/crise/``
and its listener, the outbox purpose and the broadcast segment of the register.

Cards (a count and a slice each: two queries, or one for the caller's list and the
director's coverage):
- outreach caller: today's list (people left to call, the next ones);
- social-services partner: the new referrals sent to its body;
- director: coverage and escalations (visits awaited, referrals open).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.core import crisis, home, navigation
from relais.core.outbox import register_purpose
from relais.core.roles import Role
from relais.messaging.segments import register_segment

from . import federation_template, notify, selectors, services
from .models import EntryStatus, PartnerUser, Referral, ReferralStatus, RegisterEntry

SWITCH = "outreach_active"


def today_card(ctx: home.HomeContext) -> home.Card:
    left = [
        row
        for row in selectors.my_list_rows(ctx.organisation, ctx.membership, ctx.today)
        if row.done_at is None
    ]
    rows = [
        home.CardRow(
            row.person,
            row.campaign_name
            if row.not_before is None
            else _("call again from %(time)s")
            % {"time": timezone.localtime(row.not_before).strftime("%H:%M")},
            url=reverse("outreach:call", args=[row.pk]),
        )
        for row in left[: home.ROWS]
    ]
    return home.Card(
        key="outreach.today",
        title=_("Today's calls"),
        count=len(left),
        empty=_("The people you are to call today will appear here each morning."),
        url=reverse("outreach:today"),
        link_label=_("My call list"),
        rows=rows,
    )


def partner_card(ctx: home.HomeContext) -> home.Card | None:
    link = PartnerUser.objects.filter(membership=ctx.membership).first()
    if link is None:
        return None
    new = Referral.objects.filter(
        organisation=ctx.organisation, partner_id=link.partner_id, status=ReferralStatus.SENT
    ).order_by("sent_at", "pk")
    return home.Card(
        key="outreach.new_referrals",
        title=_("New referrals"),
        count=new.count(),
        empty=_("The tenants the landlord refers to you will appear here."),
        url=reverse("outreach:partner_home"),
        link_label=_("All my referrals"),
        rows=[
            home.CardRow(
                r.person_name,
                r.needs,
                url=reverse("outreach:partner_referral", args=[r.pk]),
                tone="warning",
            )
            for r in new[: home.ROWS]
        ],
    )


def director_card(ctx: home.HomeContext) -> home.Card:
    covered, followed = selectors.coverage_today(ctx.organisation, ctx.now)
    counts = selectors.escalations(ctx.organisation)
    text = ""
    if followed:
        text = _(
            "%(share)d %% of the %(followed)d people followed reached within their cadence."
        ) % {
            "share": round(100 * covered / followed),
            "followed": followed,
        }
    return home.Card(
        key="outreach.coverage",
        title=_("Vulnerable tenants: escalations"),
        count=counts["visits"] + counts["referrals_open"],
        text=text,
        empty=_("When a campaign runs, its coverage and the people not reached appear here."),
        url=reverse("outreach:dashboard"),
        link_label=_("Outreach dashboard"),
        rows=[
            home.CardRow(_("Caretaker's visits awaited"), str(counts["visits"])),
            home.CardRow(_("Referrals open at social services"), str(counts["referrals_open"])),
        ],
        hidden=0,
    )


def _quoted(names: list[str]) -> str:
    return ", ".join(_("“%(name)s”") % {"name": name} for name in names)


def switch_campaigns_effect(organisation) -> str:
    """The ``outreach_active`` switch's line on ``/crise/`` naming this organisation's
    campaigns it would close if turned off (for good: a closed campaign cannot be restarted)
    and start if turned on; or that none is tied to it. One query."""
    running, ready = selectors.switch_campaigns(organisation)
    if not running and not ready:
        return services.no_switch_campaign_sentence(True)
    said = []
    if running:
        said.append(
            ngettext(
                "Switched off now, this campaign closes for good (a closed campaign cannot "
                "be restarted): %(names)s.",
                "Switched off now, these campaigns close for good (a closed campaign cannot "
                "be restarted): %(names)s.",
                len(running),
            )
            % {"names": _quoted(running)}
        )
    if ready:
        said.append(
            ngettext(
                "Switched on now, this campaign starts: %(names)s.",
                "Switched on now, these campaigns start: %(names)s.",
                len(ready),
            )
            % {"names": _quoted(ready)}
        )
    return " ".join(said)


def register_menu() -> None:
    entries = [
        (gettext_lazy("My calls"), "outreach:today", "outreach.view", 30),
        (gettext_lazy("Vulnerable tenants register"), "outreach:register", "outreach.view", 31),
        (gettext_lazy("Outreach needs"), "outreach:needs", "outreach.follow_up", 32),
        (
            gettext_lazy("Referrals to social services"),
            "outreach:referrals",
            "outreach.follow_up",
            32,
        ),
        (gettext_lazy("Call campaigns"), "outreach:campaign_list", "outreach.campaigns", 33),
        (gettext_lazy("Caretaker's visits"), "outreach:visits", "outreach.visit", 34),
        (gettext_lazy("Outreach dashboard"), "outreach:dashboard", "outreach.dashboard", 35),
        (
            gettext_lazy("Social-services partners"),
            "outreach:partner_list",
            "outreach.partners",
            36,
        ),
        (gettext_lazy("Referrals"), "outreach:partner_home", "outreach.partner_referrals", 37),
        (gettext_lazy("Callers' rota"), "outreach:rota", "outreach.rota", 38),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("field", label, url_name, ability=ability, order=order)


def register_segment_of_register(occupants, organisation, value):
    """Broadcast segment "the outreach register": the households of the people on the
    register now (a heat-wave or lockdown message to the vulnerable tenants)."""
    on_register = RegisterEntry.objects.for_organisation(organisation).filter(
        status=EntryStatus.ACTIVE
    )
    return occupants.filter(household_id__in=on_register.values("household_id"))


def register() -> None:
    register_menu()
    # Sensitive: only roles that may see the register pick it, and every use is audited.
    register_segment(
        "outreach.register",
        gettext_lazy("Vulnerable tenants register"),
        register_segment_of_register,
        ability="outreach.view",
        sensitive=True,
    )
    home.register_card("outreach.today", roles={Role.OUTREACH_CALLER}, order=20, build=today_card)
    home.register_card(
        "outreach.new_referrals", roles={Role.SOCIAL_PARTNER}, order=20, build=partner_card
    )
    home.register_card("outreach.coverage", roles={Role.DIRECTOR}, order=27, build=director_card)
    home.register_link(
        "outreach:candidates",
        gettext_lazy("Candidates for the vulnerable tenants register"),
        ability="outreach.view",
        order=45,
    )
    home.register_link(
        "outreach:partner_home",
        gettext_lazy("Referrals sent to my service"),
        ability="outreach.partner_referrals",
        order=46,
    )
    crisis.register_effect(
        SWITCH,
        gettext_lazy(
            "The call campaigns marked “start with the switch” start: the register is called "
            "at their cadence, each morning's call list shared among the outreach callers."
        ),
        capability="outreach",
    )
    crisis.register_effect(
        SWITCH,
        gettext_lazy(
            "Switched off, those campaigns close; their personal data is purged after their "
            "retention period, leaving only anonymous counts."
        ),
        capability="outreach",
    )
    crisis.register_effect(SWITCH, switch_campaigns_effect, capability="outreach")
    crisis.register_switch_listener(SWITCH, services.on_outreach_switch, capability="outreach")
    register_purpose(notify.PURPOSE_REFERRAL, gettext_lazy("Referral to social services"))
    federation_template.register()
