"""Outreach pages in the authorisation matrix.

POST-only actions, the partners' pages (reached through the body their membership is linked
to, not only the role) and the referral link are tested in test_call_list_and_partners.py.
"""

from django.utils import timezone

from relais.core.models import Membership
from relais.core.roles import Role
from relais.outreach import services
from relais.outreach.models import Follow, Partner

PAGES = {
    "outreach:register": ("outreach.view", None),
    "outreach:candidates": ("outreach.view", None),
    "outreach:entry_create": ("outreach.view", {"occupant_pk": "outreach_occupant"}),
    "outreach:entry_detail": ("outreach.view", {"pk": "register_entry"}),
    "outreach:campaign_list": ("outreach.campaigns", None),
    "outreach:campaign_create": ("outreach.campaigns", None),
    "outreach:rota": ("outreach.rota", None),
    "outreach:campaign_edit": ("outreach.campaigns", {"pk": "outreach_campaign"}),
    "outreach:today": ("outreach.view", None),
    "outreach:call": ("outreach.view", {"pk": "follow"}),
    "outreach:needs": ("outreach.follow_up", None),
    "outreach:referrals": ("outreach.follow_up", None),
    "outreach:visits": ("outreach.visit", None),
    "outreach:visit": ("outreach.visit", {"pk": "follow"}),
    "outreach:referral_detail": ("outreach.follow_up", {"pk": "referral"}),
    "outreach:dashboard": ("outreach.dashboard", None),
    "outreach:partner_list": ("outreach.partners", None),
    "outreach:partner_create": ("outreach.partners", None),
    "outreach:partner_detail": ("outreach.partners", {"pk": "partner"}),
    "outreach:partner_home": ("outreach.partner_referrals", None),
}
NOT_PAGES = {
    "outreach:entry_leave",
    "outreach:campaign_start",
    "outreach:campaign_close",
    "outreach:need_close",
    "outreach:visit_ask",
    "outreach:partner_referral",
    "outreach:partner_link",
}


def world(organisation, mark, base) -> dict:
    occupant = base["occupant"]
    entry = services.entry_register(
        organisation=organisation,
        actor=None,
        occupant=occupant,
        source="staff",
        consent=services.Consent(by="person", on=timezone.localdate()),
    )
    campaign = services.campaign_create(
        organisation=organisation,
        actor=None,
        name=f"Campagne {mark}",
        kind="heatwave",
        cadence_days=2,
        script=f"Script {mark}",
        starts_on=timezone.localdate(),
    )
    services.campaign_start(organisation=organisation, actor=None, campaign=campaign)
    caller = Membership.objects.create(
        organisation=organisation,
        role=Role.OUTREACH_CALLER,
        user=_user(mark),
    )
    services.list_build(organisation=organisation, caller_ids=[caller.pk])
    follow = Follow.objects.get(entry=entry)
    Follow.objects.filter(pk=follow.pk).update(escalation="visit", escalated_at=timezone.now())
    partner = Partner.objects.create(
        organisation=organisation, name=f"CCAS {mark}", kind="ccas", commune_id=entry.commune_id
    )
    referral = services.referral_create(
        organisation=organisation, actor=None, follow=follow, partner=partner, reason="needs"
    )
    return {
        "outreach_occupant": occupant,
        "register_entry": entry,
        "follow": follow,
        "referral": referral,
        "partner": partner,
        "outreach_campaign": campaign,
    }


def _user(mark):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create(username=f"appelant-{mark}")
