"""The day's call list is balanced across the callers on duty and keeps each person's
caller; a partner sees only its own referrals, and nothing else of the landlord."""

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.roles import Role
from relais.outreach import links, services
from relais.outreach.models import Follow, ListItem, PartnerUser

from ..factories import MembershipFactory
from .fixtures import caller, campaign, ccas, person

pytestmark = pytest.mark.django_db


def test_list_is_balanced_and_keeps_the_same_caller(organisation):
    for index in range(10):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b, c = (caller(organisation, name) for name in ("a", "b", "c"))
    # Four people were last called by a: a keeps as many as the fair share allows (4 of 10
    # over 3 callers is one above the cap of 4? no: cap = ceil(10 / 3) = 4).
    Follow.objects.filter(pk__in=Follow.objects.order_by("pk").values("pk")[:4]).update(caller=a)
    added = services.list_build(organisation=organisation, caller_ids=[a.pk, b.pk, c.pk])
    assert added == 10
    loads = Counter(ListItem.objects.values_list("caller_id", flat=True))
    assert sorted(loads.values()) == [2, 4, 4]
    kept = ListItem.objects.filter(follow__caller=a).values_list("caller_id", flat=True)
    assert set(kept) == {a.pk}
    # A second run adds nobody; positions are 1..n per caller.
    assert services.list_build(organisation=organisation, caller_ids=[a.pk, b.pk]) == 0
    for membership in (a, b, c):
        positions = ListItem.objects.filter(caller=membership).values_list("position", flat=True)
        assert sorted(positions) == list(range(1, loads[membership.pk] + 1))


def test_a_caller_off_duty_loses_their_people_to_the_others(organisation):
    for index in range(6):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b = caller(organisation, "a"), caller(organisation, "b")
    Follow.objects.update(caller=a)
    services.list_build(organisation=organisation, caller_ids=[b.pk])
    assert set(ListItem.objects.values_list("caller_id", flat=True)) == {b.pk}


def test_nobody_due_before_the_cadence(organisation):
    person(organisation)
    campaign(organisation, cadence=7)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    item = ListItem.objects.get()
    services.call_record(
        organisation=organisation, actor=None, membership=lea, item=item, outcome="fine"
    )
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert services.list_build(organisation=organisation, day=tomorrow) == 0


def _partner_client(organisation, partner, username):
    membership = MembershipFactory(
        organisation=organisation, role=Role.SOCIAL_PARTNER, user__username=username
    )
    PartnerUser.objects.create(organisation=organisation, membership=membership, partner=partner)
    client = Client()
    client.force_login(membership.user)
    return client


def _referral(organisation, entry, partner):
    follow = Follow.objects.get(entry=entry)
    return services.referral_create(
        organisation=organisation, actor=None, follow=follow, partner=partner, reason="needs"
    )


def test_partner_sees_only_its_referrals_and_nothing_else(organisation, other_organisation):
    mine_entry, theirs_entry = person(organisation, "Mienne"), person(organisation, "Autre")
    campaign(organisation)
    tours = ccas(organisation, mine_entry, name="CCAS de Tours")
    joue = ccas(organisation, theirs_entry, name="CCAS de Joué")
    mine = _referral(organisation, mine_entry, tours)
    theirs = _referral(organisation, theirs_entry, joue)
    client = _partner_client(organisation, tours, "ccas-tours")
    page = client.get(reverse("outreach:partner_home")).content.decode()
    assert "Jeanne Mienne" in page and "Jeanne Autre" not in page
    assert client.get(reverse("outreach:partner_referral", args=[mine.pk])).status_code == 200
    assert client.get(reverse("outreach:partner_referral", args=[theirs.pk])).status_code == 404
    # Nothing else: the register, the call list, the households, the campaign pages.
    for url in (
        reverse("outreach:register"),
        reverse("outreach:entry_detail", args=[mine_entry.pk]),
        reverse("outreach:today"),
        reverse("outreach:needs"),
        reverse("outreach:campaign_list"),
        reverse("outreach:dashboard"),
        reverse("outreach:referral_detail", args=[mine.pk]),
        reverse("housing:household_list"),
    ):
        assert client.get(url).status_code == 403, url
    # Acting on another partner's referral changes nothing.
    response = client.post(
        reverse("outreach:partner_referral", args=[theirs.pk]), {"step": "accept"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "sent"
    # A partner of another landlord sees none of ours.
    other = ccas(other_organisation, mine_entry, name="CCAS ailleurs")
    outsider = _partner_client(other_organisation, other, "ailleurs")
    assert "Mienne" not in outsider.get(reverse("outreach:partner_home")).content.decode()
    assert outsider.get(reverse("outreach:partner_referral", args=[mine.pk])).status_code == 404


def test_partner_without_account_works_through_an_expiring_link(organisation, time_machine):
    entry = person(organisation)
    campaign(organisation)
    partner = ccas(organisation, entry)
    token, digest = links.new_token()
    referral = _referral(organisation, entry, partner)
    referral.link_token_hash = digest
    referral.save()
    assert token not in str(referral.__dict__)
    client = Client()
    url = reverse("outreach:partner_link", args=[token])
    assert "Jeanne Martin" in client.get(url).content.decode()
    client.post(url, {"step": "accept"})
    client.post(url, {"step": "feedback", "text": "Visite faite", "close": "on"})
    referral.refresh_from_db()
    assert referral.status == "closed" and "Visite faite" in referral.feedback
    assert client.get(reverse("outreach:partner_link", args=["faux"])).status_code == 404
    time_machine.move_to(timezone.now() + links.LINK_LIFETIME)
    assert client.get(url).status_code == 410


def test_a_run_killed_before_its_commit_leaves_nothing_and_the_next_builds_it_all(organisation):
    from unittest import mock

    from relais.outreach import calllist

    for index in range(4):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b = caller(organisation, "a"), caller(organisation, "b")
    with (
        mock.patch.object(calllist, "share", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        services.list_build(organisation=organisation)
    assert not ListItem.objects.exists()
    assert services.list_build(organisation=organisation) == 4
    # Someone registered since joins the list at the next run; nobody else is listed twice.
    person(organisation, name="Later")
    assert services.list_build(organisation=organisation) == 1
    assert ListItem.objects.count() == 5
    assert Counter(ListItem.objects.values_list("caller_id", flat=True)) == {a.pk: 3, b.pk: 2}


def test_the_list_lines_follow_their_person_and_protect_their_caller(organisation):
    """The list's foreign keys are kept by the ORM (ADR 0039 §4): deleting a follow takes
    its lines, a caller with lines cannot be deleted, closing a campaign drops its lines
    not yet done."""
    from django.db.models import ProtectedError

    for index in range(2):
        person(organisation, name=f"P{index}")
    found = campaign(organisation, cadence=1)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    first, second = ListItem.objects.order_by("position")
    with pytest.raises(ProtectedError):
        lea.delete()
    first.follow.delete()
    assert list(ListItem.objects.all()) == [second]
    services.campaign_close(organisation=organisation, actor=None, campaign=found)
    assert not ListItem.objects.exists()
