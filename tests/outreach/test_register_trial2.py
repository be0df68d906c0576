"""Faults of the second trial on the register's forms: a child of 9 registered on « the person
themself »'s consent, a 5,000-character third party stored beside a consent by the person."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.outreach import services
from relais.outreach.forms import EntryForm, HealthNoteForm, LeaveForm
from relais.outreach.models import RegisterEntry

from ..factories import LeaseFactory, OccupantFactory
from .fixtures import enrol, occupant_of

pytestmark = pytest.mark.django_db


def test_a_child_of_nine_cannot_consent_alone(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    jules = occupant_of(
        organisation, first_name="Jules", last_name="Arnaud",
        birth_date=timezone.localdate() - dt.timedelta(days=9 * 366),
    )  # fmt: skip
    signal = {"source": "relative", "signal_reason": "Mère hospitalisée"}
    response = enrol(client, jules, **signal)
    assert response.status_code == 400
    form = response.context["form"]
    assert "ne peut pas consentir seule" in form.errors["consent_by"][0]
    assert not RegisterEntry.objects.exists()
    with pytest.raises(services.Refused, match="ne peut pas consentir seule"):
        services.entry_register(
            organisation=organisation, actor=None, occupant=jules, source="relative",
            signal_reason="Mère hospitalisée",
            consent=services.Consent(by="person", on=timezone.localdate()),
        )  # fmt: skip
    response = enrol(
        client, jules, consent_by="third_party", third_party_name="Paul Arnaud",
        third_party_relation="père", **signal,
    )  # fmt: skip
    assert response.status_code == 302
    assert RegisterEntry.objects.get().third_party_name == "Paul Arnaud"


def test_an_adult_may_still_consent_alone(organisation):
    form = EntryForm(
        {"source": "staff", "consent_by": "person", "consent_on": timezone.localdate()}, age=18
    )
    assert form.is_valid(), form.errors


def test_text_fields_are_bounded_by_the_model_and_third_party_cleared(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    adult = occupant_of(organisation, birth_date=dt.date(1940, 5, 1))
    response = enrol(client, adult, third_party_name="N" * 5000)
    assert response.status_code == 400
    assert "third_party_name" in response.context["form"].errors
    for field, limit in (("third_party_relation", 100), ("signal_reason", 200),
                         ("health_note", 1000)):  # fmt: skip
        assert field in enrol(client, adult, **{field: "x" * (limit + 1)}).context["form"].errors
    assert not LeaveForm({"reason": "x" * 201}).is_valid()
    assert not HealthNoteForm({"health_note": "x" * 1001}).is_valid()
    # Consent by the person: a third party typed before choosing is not stored nor shown.
    response = enrol(client, adult, third_party_name="Nadia", third_party_relation="fille")
    entry = RegisterEntry.objects.get()
    assert (entry.third_party_name, entry.third_party_relation) == ("", "")
    page = client.get(response.url).content.decode()
    assert "Nadia" not in page


def test_the_entry_page_shows_the_reason_of_the_signal(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    jules = occupant_of(organisation, birth_date=timezone.localdate() - dt.timedelta(days=9 * 366))
    response = enrol(
        client, jules, source="relative", signal_reason="Mère hospitalisée, seul le soir",
        consent_by="third_party", third_party_name="Paul Arnaud", third_party_relation="père",
    )  # fmt: skip
    page = client.get(response.url).content.decode()
    assert "Motif du signalement" in page
    assert "Mère hospitalisée, seul le soir" in page
    adult = occupant_of(organisation, birth_date=dt.date(1940, 5, 1))
    page = client.get(enrol(client, adult).url).content.decode()
    assert "Motif du signalement" not in page


def _alone(organisation, household, last_name):
    lease = LeaseFactory(
        dwelling__building__residence__organisation=organisation, household__name=household
    )
    return OccupantFactory(household=lease.household, last_name=last_name, is_holder=True,
                           birth_date=dt.date(1940, 5, 1), lives_alone=True)  # fmt: skip


def test_a_known_person_is_written_of_in_their_gender(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    moreau = _alone(organisation, "Mme Moreau", "Moreau")
    _alone(organisation, "M. Petit", "Petit")
    _alone(organisation, "Famille Roux", "Roux")
    page = client.get(reverse("outreach:candidates")).content.decode()
    rows = {
        name: row
        for row in page.split("<tr>")
        for name in ("Moreau", "Petit", "Roux")
        if f"{name} ·" in row
    }
    assert "vit seule" in rows["Moreau"]
    assert "vit seul</td>" in rows["Petit"]
    assert "vit seul(e)" in rows["Roux"]  # « Famille Roux »: unknown
    form = client.get(reverse("outreach:entry_create", args=[moreau.pk])).content.decode()
    assert "Reconnue inapte au travail" in form
    response = enrol(client, moreau)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"{moreau} est inscrite au registre."]
    assert "Signalée par" in client.get(response.url).content.decode()


def test_the_service_refuses_a_health_note_past_its_bound(organisation):
    adult = occupant_of(organisation, birth_date=dt.date(1940, 5, 1))
    consent = services.Consent(by="person", on=timezone.localdate())
    with pytest.raises(services.Refused, match="1 000 caractères"):
        services.entry_register(
            organisation=organisation, actor=None, occupant=adult, source="staff",
            consent=consent, health_note="x" * 1001,
        )  # fmt: skip
    assert not RegisterEntry.objects.exists()
