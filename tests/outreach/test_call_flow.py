"""The call flow as a new user's trial found it on the tiny demo: a retry later the same day
is recorded from a fresh form (a double submit of one form still once), the screen says when
the person comes back instead of offering a form; one line and one call per PERSON however
many campaigns follow them; needs only with "reached, with needs"; no referral by default,
and the caller's note never in it; the call screen shows the open needs and the health
note (audited)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.outreach import forms, selectors, services
from relais.outreach.models import Call, Follow, Need

from ..factories import MembershipFactory
from .fixtures import campaign, ccas, person, sheets

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _caller_client(organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.OUTREACH_CALLER)
    client = Client()
    client.force_login(membership.user)
    return membership, client


def _at(hour, minute=0):
    return dt.datetime.combine(timezone.localdate(), dt.time(hour, minute), tzinfo=PARIS)


def _key(page: str) -> str:
    return re.search(r'name="key" value="(\w+)"', page).group(1)


def test_a_retry_later_the_same_day_is_recorded_and_a_double_submit_once(
    organisation, time_machine
):
    person(organisation, name="Absente")
    campaign(organisation)
    lea, client = _caller_client(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    follow = Follow.objects.get()
    url = reverse("outreach:call", args=[follow.pk])
    time_machine.move_to(_at(10))
    first_key = _key(client.get(url).content.decode())
    posted = {"outcome": "no_answer", "key": first_key}
    assert client.post(url, posted).status_code == 302
    assert client.post(url, posted).status_code == 302  # the same form sent twice
    assert Call.objects.count() == 1
    # Before the retry time: no form, the time the person comes back.
    page = client.get(url).content.decode()
    assert 'name="key"' not in page and "rappeler à partir de 12:00" in page
    assert "rappeler à partir de 12:00" in client.get(reverse("outreach:today")).content.decode()
    assert client.post(url, {"outcome": "no_answer", "key": "autre"}).status_code == 409
    time_machine.move_to(_at(12, 5))
    second_key = _key(client.get(url).content.decode())
    assert second_key != first_key  # a new key per form load
    response = client.post(url, {"outcome": "no_answer", "key": second_key})
    assert response.status_code == 302
    assert Call.objects.count() == 2
    follow.refresh_from_db()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert follow.next_due_on == tomorrow and follow.failed_attempts == 2
    (row,) = selectors.my_list_rows(organisation, lea, timezone.localdate())
    assert row.done_at is not None and row.next_due_on == tomorrow
    page = client.get(url).content.decode()
    assert 'name="key"' not in page and "Prochain appel le" in page
    today = client.get(reverse("outreach:today")).content.decode()
    assert "prochain appel le" in today and "Plus personne à appeler aujourd’hui." in today


def test_a_person_in_three_campaigns_is_one_line_and_one_call_moves_every_follow(
    organisation,
):
    madeleine = person(organisation, name="Fernandez")
    person(organisation, name="Seule")
    weekly = campaign(organisation, cadence=7, name="Confinement")
    campaign(organisation, cadence=2, name="Canicule")
    campaign(organisation, cadence=1, name="Grand froid")
    a, _client = _caller_client(organisation)
    b, _client = _caller_client(organisation)
    assert services.list_build(organisation=organisation, caller_ids=[a.pk, b.pk]) == 2
    assert sorted(len(follows) for follows in sheets().values()) == [1, 1]
    lines = {
        row.person: row
        for caller in (a, b)
        for row in selectors.my_list_rows(organisation, caller, timezone.localdate())
    }
    assert lines["Jeanne Fernandez"].campaign_name == "Canicule, Confinement, Grand froid"
    listed = lines["Jeanne Fernandez"].pk
    caller = a if listed in sheets()[a.pk] else b
    services.call_record(
        organisation=organisation,
        actor=None,
        membership=caller,
        follow=Follow.objects.get(pk=listed),
        outcome="hospital",
    )
    today = timezone.localdate()
    due = dict(Follow.objects.filter(entry=madeleine).values_list("campaign__name", "next_due_on"))
    assert due == dict.fromkeys(("Confinement", "Canicule", "Grand froid"), today + dt.timedelta(7))
    assert Call.objects.filter(follow__entry=madeleine).count() == 3  # one per campaign
    assert len(selectors.history(madeleine)) == 1  # one call made
    # Not back on the list: neither by a rebuild nor by a campaign started since.
    other = campaign(organisation, cadence=3, name="Suivi renforcé")
    # Reached today: due under the new campaign after its cadence, not today.
    assert Follow.objects.get(entry=madeleine, campaign=other).next_due_on == today + dt.timedelta(
        3
    )
    # A follow left due today (started before that rule) does not list her again either.
    Follow.objects.filter(entry=madeleine, campaign=other).update(next_due_on=today)
    assert services.list_build(organisation=organisation, caller_ids=[a.pk, b.pk]) == 0
    (line,) = selectors.my_list_rows(organisation, caller, today)
    assert line.done_at is not None
    # Tomorrow the newest campaign's follow is due: one line again, the call counts for it.
    tomorrow = today + dt.timedelta(days=1)
    assert services.list_build(organisation=organisation, day=tomorrow, caller_ids=[a.pk]) == 2
    assert weekly.follows.get(entry=madeleine).caller == caller  # same caller kept per follow


def test_deceased_stops_every_follow_of_the_person(organisation):
    entry = person(organisation)
    campaign(organisation, cadence=7, name="Confinement")
    campaign(organisation, cadence=2, name="Canicule")
    lea, _client = _caller_client(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    (listed,) = sheets()[lea.pk]
    services.call_record(
        organisation=organisation,
        actor=None,
        membership=lea,
        follow=Follow.objects.get(pk=listed),
        outcome="deceased",
    )
    assert set(Follow.objects.filter(entry=entry).values_list("state", flat=True)) == {"stopped"}


def test_reached_and_fine_with_a_need_ticked_is_refused_on_the_needs_field(organisation):
    person(organisation)
    campaign(organisation)
    form = forms.CallForm(
        {"outcome": "fine", "needs": ["groceries"], "key": "k"}, organisation=organisation
    )
    assert not form.is_valid()
    assert "avec des besoins" in form.errors["needs"][0]
    lea, _client = _caller_client(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    with pytest.raises(services.Refused):
        services.call_record(
            organisation=organisation,
            actor=None,
            membership=lea,
            follow=Follow.objects.get(),
            outcome="fine",
            needs=[("groceries", "")],
        )
    assert not Need.objects.exists() and not Call.objects.exists()


def test_no_referral_by_default_and_the_callers_note_stays_with_the_landlord(organisation):
    entry = person(organisation, name="Besoin")
    partner = ccas(organisation, entry)
    campaign(organisation)
    lea, client = _caller_client(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    url = reverse("outreach:call", args=[Follow.objects.get().pk])
    page = client.get(url).content.decode()
    assert re.search(r'<option value="" selected>Pas de signalement</option>', page)
    assert "nom, l’adresse et le téléphone" in page  # what a referral carries, said
    needs = {"outcome": "needs", "needs": ["groceries", "medicine"], "need_detail": "Plus rien"}
    # A note for the social services without a partner is refused, not dropped.
    response = client.post(url, {**needs, "partner_note": "Urgent", "key": _key(page)})
    assert response.status_code == 400 and not Call.objects.exists()
    response = client.post(
        url,
        {
            **needs,
            "note": "Fils violent, ne pas appeler le soir",
            "refer_to": partner.pk,
            "partner_note": "Passer avant midi",
            "key": _key(page),
        },
    )
    assert response.status_code == 302
    referral = partner.referrals.get()
    assert referral.summary == "Courses, Médicaments : Plus rien\nPasser avant midi"
    assert "Fils violent" not in referral.summary


def test_the_call_screen_shows_open_needs_and_the_audited_health_note(organisation):
    entry = person(organisation, name="Durand")
    campaign(organisation)
    lea, client = _caller_client(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    follow = Follow.objects.get()
    Need.objects.create(organisation=organisation, follow=follow, kind="medicine", note="Insuline")
    page = client.get(reverse("outreach:call", args=[follow.pk])).content.decode()
    assert "Médicaments : Insuline" in page
    assert "Diabète Durand" in page
    viewed = AuditEvent.objects.filter(action="register_entry.health_viewed")
    assert viewed.count() == 1 and viewed.get().object_id == str(entry.pk)


def test_an_escalated_person_of_two_campaigns_is_one_visit_and_one_referral(organisation):
    entry = person(organisation)
    ccas(organisation, entry)
    campaign(organisation, cadence=7, name="Confinement")
    campaign(organisation, cadence=2, name="Canicule")
    lea, _client = _caller_client(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    Follow.objects.update(failed_attempts=2)  # two failures in a row already
    (listed,) = sheets()[lea.pk]
    result = services.call_record(
        organisation=organisation,
        actor=None,
        membership=lea,
        follow=Follow.objects.get(pk=listed),
        outcome="no_answer",
    )
    assert result.escalated
    (visit,) = selectors.visits(organisation)
    referral = services.visit_record(
        organisation=organisation, actor=None, follow=visit, seen_fine=False
    )
    assert referral.reason == "escalation" and entry.follows.get(pk=listed).referrals.count() == 1
    escalations = set(Follow.objects.filter(entry=entry).values_list("escalation", flat=True))
    assert escalations == {"referred"} and selectors.visits(organisation) == []
