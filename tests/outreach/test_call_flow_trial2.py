"""The call flow as a second trial on the tiny demo found it: the next call shown is the
person's real next due day (never today for someone reached today); a new campaign's first
due day respects the person's last contact; the call note is bounded; the end of the
follow-up closes the person's open needs with its reason; a person with no phone gets a
caretaker's visit, not phone outcomes; the list counts who can be called now apart from the
retries."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.outreach import selectors, services
from relais.outreach.models import Call, Follow, Need

from ..factories import MembershipFactory
from .fixtures import campaign, days, person

pytestmark = pytest.mark.django_db


def _caller(organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.OUTREACH_CALLER)
    client = Client()
    client.force_login(membership.user)
    return membership, client


def _call(organisation, membership, entry, outcome, **extra):
    follow = Follow.objects.filter(entry=entry).order_by("pk").first()
    return services.call_record(
        organisation=organisation,
        actor=membership.user,
        membership=membership,
        follow=follow,
        outcome=outcome,
        **extra,
    )


def test_a_new_campaign_after_a_reach_today_shows_the_real_next_call(organisation):
    today = timezone.localdate()
    odile = person(organisation, name="Leroy")
    campaign(organisation, cadence=7, name="Confinement")
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    _call(organisation, lea, odile, "fine")
    campaign(organisation, cadence=2, name="Canicule")
    # Her first due day under the new campaign: today's reach + 2 days, not today.
    new = Follow.objects.get(entry=odile, campaign__name="Canicule")
    assert new.next_due_on == today + days(2)
    row = selectors.my_list_rows(organisation, lea, today)[0]
    assert row.done_at is not None and row.next_due_on == today + days(2)
    # Even a follow left due today (made before the rule) is never shown as "next call today".
    Follow.objects.filter(pk=new.pk).update(next_due_on=today)
    row = selectors.my_list_rows(organisation, lea, today)[0]
    assert row.next_due_on == today + days(1)
    page = client.get(reverse("outreach:call", args=[row.pk])).content.decode()
    with translation.override("fr"):
        tomorrow = date_format(today + days(1), "l j F")
    assert f"Prochain appel le {tomorrow}" in page


def test_a_new_campaign_respects_the_last_contact_within_its_cadence(organisation):
    today = timezone.localdate()
    recent, old, never = (person(organisation, name=n) for n in ("Recent", "Ancien", "Jamais"))
    first = campaign(organisation, cadence=7, name="Confinement")
    Follow.objects.filter(campaign=first, entry=recent).update(
        last_reached_at=timezone.now() - days(3)
    )
    Follow.objects.filter(campaign=first, entry=old).update(
        last_reached_at=timezone.now() - days(5)
    )
    second = campaign(organisation, cadence=4, name="Canicule")
    due = dict(Follow.objects.filter(campaign=second).values_list("entry_id", "next_due_on"))
    assert due == {
        recent.pk: today + days(1),  # reached 3 days ago, cadence 4
        old.pk: today,  # reached 5 days ago: outside the cadence
        never.pk: today,
    }


def test_the_call_note_is_bounded_in_the_form_and_the_service(organisation):
    entry = person(organisation, name="Bavard")
    campaign(organisation)
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    follow = Follow.objects.get(entry=entry)
    url = reverse("outreach:call", args=[follow.pk])
    key = re.search(r'name="key" value="(\w+)"', client.get(url).content.decode()).group(1)
    response = client.post(url, {"outcome": "fine", "note": "x" * 1001, "key": key})
    assert response.status_code == 400
    assert "1000" in " ".join(response.context["form"].errors["note"]).replace("\u202f", "")
    assert not Call.objects.exists()
    with pytest.raises(services.Refused):
        _call(organisation, lea, entry, "fine", note="x" * 1001)
    _call(organisation, lea, entry, "fine", note="x" * 1000)
    assert len(Call.objects.get().note) == 1000


def test_death_closes_the_open_needs_with_its_reason(organisation):
    entry = person(organisation, name="Leroy")
    other = person(organisation, name="Durand")
    campaign(organisation)
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    _call(organisation, lea, entry, "needs", needs=[("groceries", "plus rien")])
    _call(organisation, lea, other, "needs", needs=[("medicine", "")])
    Follow.objects.filter(entry=entry).update(next_due_on=timezone.localdate())
    Call.objects.filter(follow__entry=entry).update(called_at=timezone.now() - days(1))
    _call(organisation, lea, entry, "deceased")
    need = Need.objects.get(follow__entry=entry)
    assert need.closed_at is not None and need.close_reason == "deceased"
    assert [n for _kind, n in selectors.needs_by_kind(organisation)] == [1]  # the other one
    # Leaving the register closes them too, as "left"; a need met is "met".
    services.entry_leave(organisation=organisation, actor=None, entry=other, reason="moved")
    assert Need.objects.get(follow__entry=other).close_reason == "left"
    director = MembershipFactory(organisation=organisation, role=Role.DIRECTOR)
    client.force_login(director.user)
    with translation.override("fr"):
        page = client.get(reverse("outreach:needs") + "?status=closed").content.decode()
    assert "Clos : fin du suivi (décès)" in page
    assert "Clos : fin du suivi (sortie du registre)" in page


def _no_phone(organisation, name="Leroy"):
    entry = person(organisation, name=name, phone="")
    entry.household.occupants.update(phone="")
    return entry


def test_a_person_without_phone_gets_a_visit_not_phone_outcomes(organisation):
    entry = _no_phone(organisation)
    campaign(organisation)
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    follow = Follow.objects.get(entry=entry)
    url = reverse("outreach:call", args=[follow.pk])
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["outcome"].choices] == ["hospital", "deceased"]
    with pytest.raises(services.Refused):
        _call(organisation, lea, entry, "fine")
    response = client.post(reverse("outreach:visit_ask", args=[follow.pk]))
    assert response.status_code == 302
    follow.refresh_from_db()
    assert follow.escalation == "visit"
    assert follow.next_due_on == timezone.localdate() + days(1)
    assert AuditEvent.objects.filter(action="visit.asked").count() == 1
    assert [f.entry_id for f in selectors.visits(organisation)] == [entry.pk]
    assert selectors.my_list_rows(organisation, lea, timezone.localdate()) == []
    # Asked twice: one visit.
    client.post(reverse("outreach:visit_ask", args=[follow.pk]))
    assert AuditEvent.objects.filter(action="visit.asked").count() == 1


def test_the_list_counts_who_can_be_called_now_apart_from_the_retries(organisation):
    people = [person(organisation, name=n) for n in ("Un", "Deux", "Trois")]
    campaign(organisation)
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    _call(organisation, lea, people[0], "no_answer")
    with translation.override("fr"):
        text = client.get(reverse("outreach:today")).context["left_text"]
    assert text == "2 à appeler maintenant, 1 à rappeler plus tard."


def test_a_person_without_phone_in_hospital_is_recorded_without_needs_fields(organisation):
    entry = _no_phone(organisation, name="Hopital")
    campaign(organisation)
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    url = reverse("outreach:call", args=[Follow.objects.get(entry=entry).pk])
    form = client.get(url).context["form"]
    assert "needs" not in form.fields and "refer_to" not in form.fields
    key = form["key"].value()
    assert client.post(url, {"outcome": "hospital", "key": key}).status_code == 302
    assert Call.objects.get().outcome == "hospital"
