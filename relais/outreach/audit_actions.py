"""Audit actions of outreach: the register, campaigns, calls, visits and referrals."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link, sensitive

from .models import ConsentBy, EntrySource, NeedCloseReason, NeedKind, Outcome, Referral

action(
    "register_entry.created",
    _("Person entered on the vulnerable tenants register"),
    source=Detail(_("source"), dict(EntrySource.choices)),
    consent_by=Detail(_("consent given by"), dict(ConsentBy.choices)),
    signal_reason=_("reason of the signal"),
)
action(
    "register_entry.left",
    _("Person left the vulnerable tenants register"),
    reason=Detail(_("reason"), {Outcome.DECEASED.value: Outcome.DECEASED.label}),
)
action("register_entry.health_viewed", _("Health note of the register opened"))
action("register_entry.health_changed", _("Health note of the register changed"))
action("campaign.created", _("Call campaign created"))
action("campaign.changed", _("Call campaign changed"), fields=_("fields"))
action(
    "campaign.started",
    _("Call campaign started"),
    people=_("people followed"),
    via_switch=_("by the crisis switch"),
)
action("campaign.closed", _("Call campaign closed"))
action(
    "campaign.purged",
    _("Call campaign's personal data purged"),
    people=_("people"),
    calls=_("calls"),
    reached=_("people reached"),
    needs=_("needs"),
    referrals=_("referrals"),
    escalations=_("escalations"),
)
action("call_list.built", _("Day's call list built"), people=_("people"), callers=_("callers"))
action(
    "call.recorded",
    _("Outreach call recorded"),
    outcome=Detail(_("outcome"), dict(Outcome.choices)),
    needs=_("needs"),
    escalated=_("escalated"),
)
action(
    "need.closed",
    _("Need closed"),
    kind=Detail(_("need"), dict(NeedKind.choices)),
    reason=Detail(_("reason"), dict(NeedCloseReason.choices)),
)
action(
    "visit.asked",
    _("Caretaker's visit asked for"),
    reason=Detail(_("reason"), {"no_phone": _("no phone number on file")}),
)
action("visit.recorded", _("Caretaker's visit recorded"), seen_fine=_("seen, and fine"))
action(
    "referral.sent",
    _("Referral sent to social services"),
    partner_name=_("partner"),
    reason=Detail(_("reason"), dict(Referral._meta.get_field("reason").choices)),
    by_link=_("by link (no account)"),
)
action("referral.accepted", _("Referral accepted by the partner"))
action("referral.feedback", _("Partner's feedback on a referral"), closed=_("closed"))
action("referral.closed", _("Referral closed by the partner"), closed=_("closed"))
action("partner.created", _("Social-services partner added"))
action("partner.changed", _("Social-services partner changed"))
action("partner.user_linked", _("Member linked to a social-services partner"), member=_("member"))

object_link("outreach.registerentry", "outreach:entry_detail", "outreach.view")
object_link("outreach.referral", "outreach:referral_detail", "outreach.view")
object_link("outreach.partner", "outreach:partner_detail", "outreach.partners")

sensitive("outreach.registerentry", ["health_note", "consent_by"], "outreach.view_health")
action(
    "outreach.rota_changed",
    _("Outreach callers' rota changed"),
    added=_("days on duty added"),
    removed=_("days on duty removed"),
)
