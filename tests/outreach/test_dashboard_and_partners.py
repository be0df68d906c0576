"""The dashboard counts people, not campaign places, and a past day keeps its coverage when a
campaign starts later; the director follows its alerts up in the needs and referrals lists
(never the register); a partner's feedback is bounded; what the crisis switch did is said."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.core import services as core_services
from relais.core.selectors import current_crisis_state
from relais.outreach import partner_services, selectors, services
from relais.outreach.models import Call, Campaign, Follow, Referral, RegisterEntry

from .fixtures import caller, campaign, ccas, person

pytestmark = pytest.mark.django_db


def _reached(entry, found, when):
    follow = Follow.objects.get(entry=entry, campaign=found)
    Call.objects.create(
        organisation=entry.organisation, follow=follow, campaign=found, called_at=when,
        outcome="fine",
    )  # fmt: skip
    Follow.objects.filter(pk=follow.pk).update(
        last_reached_at=when, next_due_on=timezone.localdate(when) + dt.timedelta(days=7)
    )


def test_a_person_in_two_campaigns_is_one_person(organisation):
    first, second = person(organisation, name="Un"), person(organisation, name="Deux")
    weekly = campaign(organisation, cadence=7, name="Confinement")
    campaign(organisation, cadence=2, name="Canicule")
    _reached(first, weekly, timezone.now() - dt.timedelta(days=1))
    # Reached yesterday within the weekly cadence, but the heat wave's 2 days is the
    # shortest: still covered; the second person was never reached.
    assert selectors.coverage_today(organisation, timezone.now()) == (1, 2)
    _reached(second, weekly, timezone.now() - dt.timedelta(days=3))
    assert selectors.coverage_today(organisation, timezone.now()) == (1, 2)


def test_starting_a_campaign_today_leaves_yesterday_as_it_was(organisation):
    now = timezone.now()
    people = [person(organisation, name=f"P{n}") for n in range(4)]
    weekly = campaign(organisation, cadence=7, name="Confinement")
    ten_days_ago = now - dt.timedelta(days=10)
    Campaign.objects.filter(pk=weekly.pk).update(started_at=ten_days_ago)
    RegisterEntry.objects.update(entered_at=ten_days_ago)
    for entry in people:
        _reached(entry, weekly, now - dt.timedelta(days=2))
    today = timezone.localdate(now)
    before = dict(selectors.coverage_by_day(organisation, today))
    yesterday = today - dt.timedelta(days=1)
    assert before[yesterday] == 100
    assert before[today - dt.timedelta(days=11)] is None  # nobody followed yet
    # Two campaigns start today, with three newcomers to the register.
    for n in range(3):
        person(organisation, name=f"Nouveau{n}")
    campaign(organisation, cadence=2, name="Canicule")
    campaign(organisation, cadence=3, name="Grand froid")
    after = dict(selectors.coverage_by_day(organisation, today))
    assert after[yesterday] == before[yesterday] == 100
    # Today the heat wave's 2 days is everyone's shortest cadence: those reached 2 days ago
    # are due again, and the newcomers are owed their first call.
    assert after[today] == 0


def test_the_director_follows_the_alerts_up_but_never_reads_the_register(
    organisation, member_factory
):
    entry = person(organisation, name="Suivie")
    campaign(organisation)
    follow = Follow.objects.get(entry=entry)
    partner = ccas(organisation, entry)
    services.referral_create(
        organisation=organisation, actor=None, follow=follow, partner=partner, reason="needs"
    )
    _user, client = member_factory("director")
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert f'href="{reverse("outreach:needs")}"' in page
    assert f'href="{reverse("outreach:referrals")}?status=open"' in page
    assert "Signalements en cours aux services sociaux (besoins ou injoignable)" in page
    assert "Toujours injoignable après la visite : signalé(e) aux services sociaux" in page
    assert "100 %" in page and "</svg>" in page  # the chart's y axis
    listed = client.get(reverse("outreach:referrals")).content.decode()
    assert "Jeanne Suivie" in listed and "CCAS de Tours" in listed
    assert client.get(reverse("outreach:needs")).status_code == 200
    needs = client.get(reverse("outreach:needs")).content.decode()
    assert reverse("outreach:entry_detail", args=[entry.pk]) not in needs
    for url in (
        reverse("outreach:register"),
        reverse("outreach:entry_detail", args=[entry.pk]),
        reverse("outreach:candidates"),
    ):
        assert client.get(url).status_code == 403, url


def test_the_dashboard_column_of_open_needs_is_plural(organisation, member_factory):
    entry = person(organisation)
    campaign(organisation)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    services.call_record(
        organisation=organisation, actor=None, membership=lea,
        follow=Follow.objects.get(entry=entry), outcome="needs", needs=[("groceries", "")],
    )  # fmt: skip
    _user, client = member_factory("director")
    page = client.get(reverse("outreach:dashboard")).content.decode()
    assert '<th scope="col">Ouverts</th>' in page


def _partner_client(organisation, member_factory, partner):
    from relais.outreach.models import PartnerUser

    user, client = member_factory("social_partner")
    PartnerUser.objects.create(
        organisation=organisation, membership=user.memberships.get(), partner=partner
    )
    return client


def test_feedback_is_refused_empty_or_too_long(organisation, member_factory):
    entry = person(organisation)
    campaign(organisation)
    partner = ccas(organisation, entry)
    referral = services.referral_create(
        organisation=organisation, actor=None, follow=Follow.objects.get(), partner=partner,
        reason="needs",
    )  # fmt: skip
    client = _partner_client(organisation, member_factory, partner)
    home = client.get(reverse("outreach:partner_home")).content.decode()
    assert "Signalements reçus : CCAS de Tours" in home
    url = reverse("outreach:partner_referral", args=[referral.pk])
    empty = client.post(url, {"step": "feedback", "text": "  "})
    assert empty.status_code == 400
    assert "Écrivez votre retour, ou cochez « clore le signalement »." in empty.content.decode()
    long = client.post(url, {"step": "feedback", "text": "x" * 2001})
    assert long.status_code == 400
    assert "2 000 caractères au plus (vous en avez écrit 2001)" in long.content.decode()
    referral.refresh_from_db()
    assert referral.feedback == ""
    assert client.post(url, {"step": "feedback", "text": "x" * 2000}).status_code == 302
    assert client.post(url, {"step": "feedback", "text": "", "close": "on"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "closed" and len(referral.feedback) > 2000 - 1
    with pytest.raises(services.Refused):
        partner_services.referral_feedback(referral=referral, actor=None, text="")


def test_the_referral_message_reads_right_for_any_body():
    with translation.override("fr"):
        for name in ("CCAS de Tours", "Association Le Lien", "Maison départementale"):
            sentence = _("Referral sent to %(partner)s.") % {"partner": name}
            assert sentence == f"Signalement envoyé : {name}."


def test_the_crisis_page_says_which_campaigns_the_switch_closed(organisation, member_factory):
    person(organisation)
    marked = campaign(organisation, start=False, name="Canicule août", start_with_switch=True)
    by_hand = campaign(organisation, name="Confinement")
    _user, client = member_factory("director")
    form = {"mode": "crisis", "outreach_active": "on", "note": ""}
    started = client.post(reverse("core:crisis"), form, follow=True).content.decode()
    assert "1 campagne d’appels démarrée (personnes suivies : 1)." in started
    off = client.post(reverse("core:crisis"), {"mode": "normal", "note": ""}, follow=True)
    assert "1 campagne d’appels close : « Canicule août »." in off.content.decode()
    assert not current_crisis_state(organisation).outreach_active
    marked.refresh_from_db()
    by_hand.refresh_from_db()
    assert (marked.status, by_hand.status) == ("closed", "active")
    # A flip with no campaign marked says so, and where campaigns start.
    change = core_services.crisis_mode_change(
        organisation=organisation, actor=None, mode="crisis", switches={"outreach_active": True}
    )
    assert change.listener_messages == [
        "Aucune campagne d’appels ne démarre avec cet interrupteur : démarrez-les depuis "
        "Suivi › Campagnes."
    ]
    assert Referral.objects.count() == 0
