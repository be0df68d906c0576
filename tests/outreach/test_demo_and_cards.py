"""Outreach's demo data (register, campaign, weeks of calls, the CCAS account linked) and
the home cards of the caller, the partner and the director."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.core.models import Membership
from relais.core.roles import Role
from relais.core.services import crisis_mode_change
from relais.housing.demo import seed_demo
from relais.outreach import selectors, services
from relais.outreach.models import (
    Call,
    Campaign,
    Follow,
    Partner,
    PartnerUser,
    Referral,
    RegisterEntry,
)
from relais.outreach.rules import ccas_name

from .fixtures import caller, campaign, ccas, person

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_register_calls_and_a_linked_partner_and_resets():
    seed_demo(scale="tiny", seed=3)
    entries = RegisterEntry.objects.all()
    assert entries.count() >= 10
    assert entries.filter(consent_by="third_party").exclude(third_party_name="").exists()
    assert Campaign.objects.filter(status="active").exists()
    assert Call.objects.count() >= 2 * entries.count()
    assert set(Call.objects.values_list("outcome", flat=True)) >= {"fine", "needs"}
    partner_member = Membership.objects.get(user__username="ccas")
    linked = PartnerUser.objects.get(membership=partner_member).partner
    # Named by its commune, never « CCAS 37261 »; the commune most of the register lives in.
    assert linked.name == ccas_name(linked.commune.name)
    assert not Partner.objects.filter(name__regex=r"^CCAS [0-9]").exists()
    communes = entries.filter(organisation=partner_member.organisation).values_list(
        "commune_id", flat=True
    )
    assert linked.commune_id == max(set(communes), key=list(communes).count)
    # Referrals name the tenant and give their address, as the call screen's would.
    referrals = list(Referral.objects.select_related("follow__entry__occupant"))
    assert referrals
    for referral in referrals:
        assert referral.person_name == str(referral.follow.entry.occupant)
        assert referral.address == services._address(referral.follow.entry)
    # Every registered person has a phone but at most one per landlord, never "reached".
    without = [e for e in entries.select_related("household") if not selectors.phones(e)]
    assert len({e.organisation_id for e in without}) == len(without)
    assert not Call.objects.filter(follow__entry__in=without).exists()
    assert all(r.phone for r in referrals)
    # The running campaign was started by hand: the crisis switch (off in the demo) does
    # not claim it, and turning it on then off leaves it running.
    running = Campaign.objects.get(organisation=partner_member.organisation, status="active")
    assert not running.start_with_switch
    for on in (True, False):
        crisis_mode_change(
            organisation=running.organisation, actor=None, mode="crisis",
            switches={"outreach_active": on},
        )  # fmt: skip
    running.refresh_from_db()
    assert running.status == "active"
    # The caller's list can be built on the demo.
    organisation = partner_member.organisation
    assert services.list_build(organisation=organisation) >= 0
    before = (entries.count(), Follow.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (entries.count(), Follow.objects.count()) == before


def _client(membership):
    client = Client()
    client.force_login(membership.user)
    return client


def test_home_cards_of_the_caller_the_partner_and_the_director(organisation):
    entry = person(organisation, name="Carte")
    partner = ccas(organisation, entry)
    campaign(organisation)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    cards = {c.key: c for c in _client(lea).get(reverse("core:home")).context["cards"]}
    assert cards["outreach.today"].count == 1
    assert cards["outreach.today"].rows[0].label == "Jeanne Carte"
    services.referral_create(
        organisation=organisation,
        actor=None,
        follow=Follow.objects.get(),
        partner=partner,
        reason="needs",
    )
    from ..factories import MembershipFactory

    member = MembershipFactory(organisation=organisation, role=Role.SOCIAL_PARTNER)
    PartnerUser.objects.create(organisation=organisation, membership=member, partner=partner)
    cards = {c.key: c for c in _client(member).get(reverse("core:home")).context["cards"]}
    assert cards["outreach.new_referrals"].count == 1
    director = MembershipFactory(organisation=organisation, role=Role.DIRECTOR)
    cards = {c.key: c for c in _client(director).get(reverse("core:home")).context["cards"]}
    assert cards["outreach.coverage"].count == 1  # one referral open
    assert "Jeanne" not in str(cards["outreach.coverage"].rows)  # counts only
