"""The day's call list is balanced across the callers on duty and keeps each person's
caller; a partner sees only its own referrals, and nothing else of the landlord."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.roles import Role
from relais.outreach import links, services
from relais.outreach.models import CallSheet, Follow, PartnerUser

from ..factories import MembershipFactory
from .fixtures import caller, campaign, ccas, listed, person, sheets

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
    built = sheets()
    assert sorted(len(follows) for follows in built.values()) == [2, 4, 4]
    assert set(built[a.pk]) == set(Follow.objects.filter(caller=a).values_list("pk", flat=True))
    # One row per caller and day, each caller's people the oldest due first (then by id).
    assert CallSheet.objects.count() == 3
    assert all(follows == sorted(follows) for follows in built.values())
    # A second run adds nobody, whoever is on duty.
    assert services.list_build(organisation=organisation, caller_ids=[a.pk, b.pk]) == 0
    assert sheets() == built


def test_a_caller_off_duty_loses_their_people_to_the_others(organisation):
    for index in range(6):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b = caller(organisation, "a"), caller(organisation, "b")
    Follow.objects.update(caller=a)
    services.list_build(organisation=organisation, caller_ids=[b.pk])
    assert set(sheets()) == {b.pk}


def test_nobody_due_before_the_cadence(organisation):
    person(organisation)
    campaign(organisation, cadence=7)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    services.call_record(
        organisation=organisation, actor=None, membership=lea, follow=Follow.objects.get(),
        outcome="fine",
    )  # fmt: skip
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
    # Killed between writing the sheets and the commit (the audit event comes last).
    with (
        mock.patch.object(services.audit, "record", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        services.list_build(organisation=organisation)
    assert not CallSheet.objects.exists()
    with (
        mock.patch.object(calllist, "share", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        services.list_build(organisation=organisation)
    assert not CallSheet.objects.exists()
    assert services.list_build(organisation=organisation) == 4
    assert {pk: len(f) for pk, f in sheets().items()} == {a.pk: 2, b.pk: 2}


def test_nobody_is_listed_twice_a_day_across_rebuilds(organisation):
    """A rebuild after new people became due appends them, never anyone already listed:
    neither those waiting for a retry, nor those done, nor those on an absent caller's list."""
    for index in range(4):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b = caller(organisation, "a"), caller(organisation, "b")
    assert services.list_build(organisation=organisation) == 4
    first, second = (Follow.objects.get(pk=pk) for pk in sheets()[a.pk])
    services.call_record(
        organisation=organisation, actor=None, membership=a, follow=first, outcome="no_answer"
    )  # due again later today
    services.call_record(
        organisation=organisation, actor=None, membership=a, follow=second, outcome="fine"
    )
    person(organisation, name="Later")
    # Only b on duty now: a's retry stays with a, the newcomer goes to b's list.
    assert services.list_build(organisation=organisation, caller_ids=[b.pk]) == 1
    assert services.list_build(organisation=organisation, caller_ids=[a.pk, b.pk]) == 0
    assert sorted(listed()) == sorted(Follow.objects.values_list("pk", flat=True))
    assert {pk: len(f) for pk, f in sheets().items()} == {a.pk: 2, b.pk: 3}
    assert CallSheet.objects.count() == 2
    # The next day is a new list: everyone due is listed once again.
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert services.list_build(organisation=organisation, day=tomorrow) == 5
    assert len(set(listed(day=tomorrow))) == len(listed(day=tomorrow)) == 5


def test_the_sheets_have_real_foreign_keys_and_protect_their_caller(organisation):
    """Organisation and caller are database foreign keys (ADR 0050); a caller with a list
    cannot be deleted; purging a campaign takes its people off the lists (and the empty
    lists away); a person who left or whose campaign closed leaves the list if not called."""
    from django.db import IntegrityError, connection, transaction
    from django.db.models import ProtectedError

    foreign = {
        tuple(c["columns"]): c["foreign_key"]
        for c in connection.introspection.get_constraints(
            connection.cursor(), "outreach_callsheet"
        ).values()
        if c["foreign_key"]
    }
    assert foreign == {
        ("caller_id",): ("core_membership", "id"),
        ("organisation_id",): ("core_organisation", "id"),
    }
    for index in range(2):
        person(organisation, name=f"P{index}")
    found = campaign(organisation, cadence=1)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    with pytest.raises(ProtectedError):
        lea.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallSheet.objects.create(
            organisation=organisation, caller_id=lea.pk + 1000, day=timezone.localdate()
        )
        connection.check_constraints(table_names=["outreach_callsheet"])
    services.campaign_close(organisation=organisation, actor=None, campaign=found)
    assert services.selectors.my_list_rows(organisation, lea, timezone.localdate()) == []
    services.campaign_purge(campaign=found)
    assert not CallSheet.objects.exists()
