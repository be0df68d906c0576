"""The register's and the campaigns' forms refuse what a trial slipped through: a phone that is
not one, a consent of 1901, a minor enrolled without a signal, a campaign of 1900 for people
aged 300 with a 5,000-character name; what they accept is stored normalised and shown in
French (the reason a person left, their phone, address and age)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.outreach import services
from relais.outreach.forms import CampaignForm
from relais.outreach.models import Campaign, RegisterEntry

from .fixtures import enrol, occupant_of, person

pytestmark = pytest.mark.django_db


def test_the_reason_of_a_death_reads_in_french(organisation, member_factory):
    entry = person(organisation)
    # What a « deceased » call writes (services.call_record).
    services.entry_leave(organisation=organisation, actor=None, entry=entry, reason="deceased")
    _user, client = member_factory("outreach_caller")
    page = client.get(reverse("outreach:entry_detail", args=[entry.pk])).content.decode()
    assert "Sorti(e) du registre (Décédé(e))" in page
    assert "deceased" not in page
    typed = person(organisation, name="Durand")
    services.entry_leave(organisation=organisation, actor=None, entry=typed, reason="déménage")
    page = client.get(reverse("outreach:entry_detail", args=[typed.pk])).content.decode()
    assert "(déménage)" in page


def test_the_other_phone_is_a_french_number_stored_and_shown_as_one(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    occupant = occupant_of(organisation, birth_date=dt.date(1940, 5, 1))
    response = enrol(client, occupant, other_phone="abc <script>x</script>")
    assert response.status_code == 400
    assert "Saisissez un numéro de téléphone valide" in response.content.decode()
    assert not RegisterEntry.objects.exists()
    response = enrol(client, occupant, other_phone="+33612345678")
    entry = RegisterEntry.objects.get()
    assert entry.other_phone == "06 12 34 56 78"
    page = client.get(response.url).content.decode()
    assert 'href="tel:0612345678">06 12 34 56 78</a>' in page
    # One typed before the form checked it is shown as text, never offered to dial.
    RegisterEntry.objects.update(other_phone="abc <b>")
    page = client.get(response.url).content.decode()
    assert "abc &lt;b&gt;" in page and "tel:abc" not in page
    # The service refuses it too, whoever calls it.
    with pytest.raises(services.Refused, match="numéro de téléphone valide"):
        services.entry_register(
            organisation=organisation, actor=None, occupant=occupant_of(organisation),
            source="staff", consent=services.Consent(by="person", on=timezone.localdate()),
            other_phone="abc",
        )  # fmt: skip


def test_a_consent_of_1901_is_refused_on_its_field(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    occupant = occupant_of(organisation, birth_date=dt.date(1940, 5, 1))
    response = enrol(client, occupant, consent_on="1901-01-01")
    assert response.status_code == 400
    assert "Un consentement de plus de cinq ans n’est plus valable" in response.content.decode()
    five_years_ago = timezone.localdate().replace(year=timezone.localdate().year - 5)
    with pytest.raises(services.Refused, match="plus de cinq ans"):
        services.entry_register(
            organisation=organisation, actor=None, occupant=occupant, source="staff",
            consent=services.Consent(by="person", on=five_years_ago - dt.timedelta(days=1)),
        )  # fmt: skip
    assert enrol(client, occupant, consent_on=five_years_ago.isoformat()).status_code == 302


def test_a_child_enters_only_on_a_signal_with_its_reason(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    baby = occupant_of(organisation, birth_date=timezone.localdate() - dt.timedelta(days=400))
    page = client.get(reverse("outreach:entry_create", args=[baby.pk])).content.decode()
    assert "1 an." in page and "Moins de 18 ans" in page
    refused = enrol(client, baby, source="occupant_data").content.decode()
    assert "que sur signalement" in refused
    assert "Indiquez le motif du signalement" in enrol(client, baby).content.decode()
    assert not RegisterEntry.objects.exists()
    response = enrol(
        client, baby, source="relative", signal_reason="Mère hospitalisée",
        consent_by="third_party", third_party_name="Paul Arnaud", third_party_relation="père",
    )  # fmt: skip
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="register_entry.created")
    assert event.changes["signal_reason"] == "Mère hospitalisée"


def test_the_candidates_page_finds_any_occupant_without_accents(organisation, member_factory):
    _user, client = member_factory("outreach_caller")
    young = occupant_of(
        organisation, first_name="Hélène", last_name="Lefèvre", birth_date=dt.date(1990, 1, 1)
    )
    from relais.housing.search import refresh_after_save

    refresh_after_save(young)  # what the occupant's form does
    occupant_of(organisation, last_name="Ancienne", birth_date=dt.date(1935, 1, 1))
    url = reverse("outreach:candidates")
    page = client.get(url).content.decode()
    assert '<th scope="col">Âge</th>' in page and "Ancienneté" not in page
    assert "Ancienne" in page and "Lefèvre" not in page
    found = client.get(url, {"q": "helene LEFEVRE"}).content.decode()
    assert reverse("outreach:entry_create", args=[young.pk]) in found


def test_the_entry_page_shows_phone_address_and_age(organisation, member_factory):
    entry = person(organisation, birth_date=dt.date(1940, 1, 1), phone="+33247000000")
    _user, client = member_factory("outreach_caller")
    page = client.get(reverse("outreach:entry_detail", args=[entry.pk])).content.decode()
    assert "02 47 00 00 00" in page
    assert services._address(entry) and services._address(entry) in page
    age = timezone.localdate().year - 1940
    assert f"{age} ans" in page
    assert "Diabète" not in page  # the health note still only on demand, audited


def _campaign_form(organisation, **data):
    fields = {
        "name": "Canicule", "kind": "heatwave", "cadence_days": "2", "script": "Santé",
        "starts_on": timezone.localdate().isoformat(), "retention_days": "90", **data,
    }  # fmt: skip
    return CampaignForm(fields, organisation=organisation)


def test_a_campaign_is_bounded_and_its_cadence_follows_its_kind(organisation):
    form = _campaign_form(organisation, starts_on="1900-01-01", scope_min_age="300",
                          name="x" * 5000)  # fmt: skip
    assert not form.is_valid()
    assert form.errors["starts_on"] == ["Une campagne commence au plus tôt il y a un an."]
    assert form.errors["scope_min_age"] == ["Entre 0 et 120 ans."]
    assert "200" in form.errors["name"][0]
    for cadence in ("-3", "0", "61"):
        form = _campaign_form(organisation, cadence_days=cadence)
        assert form.errors["cadence_days"] == ["Entre 1 et 60 jours."], cadence
    for kind, days in (("heatwave", 2), ("lockdown", 7)):
        form = _campaign_form(organisation, kind=kind, cadence_days="")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["cadence_days"] == days
    assert "cadence_days" in _campaign_form(organisation, kind="cold", cadence_days="").errors


def test_campaign_actions_have_french_addresses(organisation, member_factory):
    found = Campaign.objects.create(
        organisation=organisation, name="Canicule", kind="heatwave", cadence_days=2,
        script="Santé", starts_on=timezone.localdate(),
    )  # fmt: skip
    start = reverse("outreach:campaign_start", args=[found.pk])
    close = reverse("outreach:campaign_close", args=[found.pk])
    assert (start, close) == (f"/suivi/campagnes/{found.pk}/demarrer/",
                              f"/suivi/campagnes/{found.pk}/clore/")  # fmt: skip
    _user, client = member_factory("manager")
    client.post(start)
    found.refresh_from_db()
    assert found.status == "active"
    client.post(close)
    found.refresh_from_db()
    assert found.status == "closed"


def test_the_audit_trail_shows_no_raw_code(organisation):
    from relais.core.audit_trail.display import readable
    from relais.core.roles import Role, abilities_for_role

    entry = person(organisation)
    services.entry_leave(organisation=organisation, actor=None, entry=entry, reason="deceased")
    events = AuditEvent.objects.filter(action="register_entry.left")
    director = abilities_for_role(Role.DIRECTOR)
    [row] = readable(list(events), organisation=organisation, abilities=director)
    assert [(c.label, c.after) for c in row.changes] == [("Motif", "Décédé(e)")]
