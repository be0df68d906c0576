"""The register's consent, the call outcomes and their retries, escalation after three failed
attempts, the caretaker's visit and the referral, and the purge after retention."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.outreach import rules, selectors, services
from relais.outreach.models import (
    Call,
    CallSheet,
    Campaign,
    Follow,
    Need,
    Referral,
    RegisterEntry,
)

from ..factories import LeaseFactory, OccupantFactory
from .fixtures import caller, campaign, ccas, person, to_call

pytestmark = pytest.mark.django_db


def test_nobody_enters_the_register_without_a_recorded_consent(organisation):
    lease = LeaseFactory(dwelling__building__residence__organisation=organisation)
    occupant = OccupantFactory(household=lease.household)
    for consent, words in (
        (services.Consent(by="person", on=None), "date du consentement"),
        (services.Consent(by="third_party", on=timezone.localdate()), "tiers"),
        (
            services.Consent(by="person", on=timezone.localdate() + dt.timedelta(days=1)),
            "futur",
        ),
    ):
        with pytest.raises(services.Refused, match=words):
            services.entry_register(
                organisation=organisation,
                actor=None,
                occupant=occupant,
                source="staff",
                consent=consent,
            )
    assert not RegisterEntry.objects.exists()
    entry = services.entry_register(
        organisation=organisation,
        actor=None,
        occupant=occupant,
        source="relative",
        consent=services.Consent(
            by="third_party", on=timezone.localdate(), third_party_name="Paul Martin"
        ),
    )
    assert entry.third_party_name == "Paul Martin"
    assert entry.commune_id == lease.dwelling.building.commune_id
    with pytest.raises(services.Refused, match="déjà au registre"):
        services.entry_register(
            organisation=organisation,
            actor=None,
            occupant=occupant,
            source="staff",
            consent=services.Consent(by="person", on=timezone.localdate()),
        )


def test_leaving_stops_the_calls(organisation):
    entry = person(organisation)
    campaign(organisation)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    services.entry_leave(organisation=organisation, actor=None, entry=entry, reason="ne veut plus")
    assert Follow.objects.get().state == "stopped"
    assert selectors.my_list_rows(organisation, lea, timezone.localdate()) == []


def _call(organisation, membership, outcome, follow=None, **kwargs):
    return services.call_record(
        organisation=organisation,
        actor=membership.user,
        membership=membership,
        follow=follow or to_call(organisation, membership),
        outcome=outcome,
        **kwargs,
    )


def test_no_answer_retried_later_then_next_day_then_escalated_after_three(
    organisation, time_machine
):
    entry = person(organisation)
    ccas(organisation, entry)
    campaign(organisation)
    lea = caller(organisation, "lea")
    day = timezone.localdate()
    services.list_build(organisation=organisation, day=day)
    first = _call(organisation, lea, "no_answer")
    (row,) = selectors.my_list_rows(organisation, lea, day)
    assert row.done_at is None and row.not_before == first.call.called_at + rules.RETRY_LATER
    assert not first.escalated
    second = _call(organisation, lea, "no_answer")  # later that day
    follow = Follow.objects.get()
    assert (follow.next_due_on, follow.escalation) == (day + dt.timedelta(days=1), "")
    (row,) = selectors.my_list_rows(organisation, lea, day)
    assert row.done_at == second.call.called_at and not second.escalated
    time_machine.move_to(timezone.now() + dt.timedelta(days=1))
    services.list_build(organisation=organisation)
    third = _call(organisation, lea, "wrong_number")
    follow.refresh_from_db()
    assert third.escalated and follow.escalation == "visit" and follow.failed_attempts == 3
    # The caretaker does not find the person: the CCAS of the commune gets the case.
    referral = services.visit_record(
        organisation=organisation, actor=None, follow=follow, seen_fine=False
    )
    follow.refresh_from_db()
    assert follow.escalation == "referred"
    assert referral.partner.name == "CCAS de Tours" and referral.reason == "escalation"
    assert "Consentement donné par la personne" in referral.consent


def test_reached_resets_the_failures_and_sets_the_cadence(organisation):
    person(organisation)
    campaign(organisation, cadence=2)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    _call(organisation, lea, "no_answer")
    _call(organisation, lea, "fine")
    follow = Follow.objects.get()
    assert follow.failed_attempts == 0
    assert follow.next_due_on == timezone.localdate() + dt.timedelta(days=2)
    assert follow.caller == lea


def test_needs_become_a_referral_with_the_minimum_and_its_consent(organisation):
    entry = person(organisation, name="Durand")
    partner = ccas(organisation, entry)
    campaign(organisation)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    with pytest.raises(services.Refused):
        _call(organisation, lea, "needs")
    result = _call(
        organisation,
        lea,
        "needs",
        needs=[("groceries", "plus de courses"), ("medicine", "")],
        refer_to=partner,
        note="Vit seule, fatiguée",
        key="k1",
    )
    follow = Follow.objects.get()
    again = _call(organisation, lea, "needs", follow=follow, needs=[("groceries", "")], key="k1")
    assert again.replayed and Call.objects.count() == 1
    referral = result.referral
    assert referral.needs == "Courses, Médicaments"
    assert "Courses : plus de courses" in referral.summary
    assert referral.person_name == "Jeanne Durand" and "Diabète" not in referral.summary
    assert Need.objects.filter(closed_at__isnull=True).count() == 2
    assert referral.link_token_hash and len(referral.link_token_hash) == 64  # no account yet


def test_health_note_opening_is_audited(organisation, member_factory):
    entry = person(organisation)
    _user, client = member_factory("outreach_caller")
    page = client.get(f"/suivi/registre/{entry.pk}/").content.decode()
    assert "Diabète" not in page
    assert not AuditEvent.objects.filter(action="register_entry.health_viewed").exists()
    page = client.get(f"/suivi/registre/{entry.pk}/?notes=1").content.decode()
    assert "Diabète Martin" in page
    assert AuditEvent.objects.filter(action="register_entry.health_viewed").count() == 1


def test_purge_after_retention_keeps_only_anonymous_counts(organisation, time_machine):
    entry = person(organisation)
    partner = ccas(organisation, entry)
    found = campaign(organisation, retention_days=30)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    _call(organisation, lea, "needs", needs=[("medicine", "")], refer_to=partner)
    services.campaign_close(organisation=organisation, actor=None, campaign=found)
    time_machine.move_to(timezone.now() + dt.timedelta(days=29))
    assert services.purge_due() == 0
    assert Call.objects.exists()
    time_machine.move_to(timezone.now() + dt.timedelta(days=2))
    from relais.outreach.tasks import purge_outreach_data

    purge_outreach_data.enqueue()
    found.refresh_from_db()
    assert found.status == "purged"
    assert found.counts == {
        "people": 1,
        "calls": 1,
        "reached": 1,
        "needs": 1,
        "referrals": 1,
        "escalations": 0,
    }
    for model in (Follow, Call, Need, Referral, CallSheet):
        assert not model.objects.exists(), model
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()  # the register itself stays
    assert Campaign.objects.get().name == "Canicule"


def test_the_switch_starts_the_campaigns_marked_for_it(organisation):
    from relais.core.models import CrisisMode
    from relais.core.services import crisis_mode_change

    person(organisation)
    marked = campaign(organisation, start=False, start_with_switch=True)
    by_hand = campaign(organisation, start=False, name="À la main")
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=CrisisMode.CRISIS,
        switches={"outreach_active": True},
    )
    marked.refresh_from_db()
    by_hand.refresh_from_db()
    assert (marked.status, by_hand.status) == ("active", "draft")
    assert Follow.objects.filter(campaign=marked).count() == 1
