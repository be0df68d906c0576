"""Broadcast pages through the test client: the form's errors, the POST actions with their
abilities, the letters' PDF (audited), the public latest messages, their poster and the
crisis notice's link, and the menu."""

import pytest

from relais.core.audit import AuditEvent
from relais.core.roles import Role
from relais.messaging.models import Broadcast, BroadcastStatus

FORM = {
    "title": "Coupure d'eau",
    "kind": "information",
    "segment": "building",
    "value": "B-NORD-1",
    "age_band": "70+",
    "subject": "Coupure : {adresse}",
    "body": "Bonjour {nom}",
    "sms_body": "Bonjour {nom}",
    "envelope": "dl",
}


@pytest.fixture
def director_client(member_factory):
    return member_factory(Role.DIRECTOR)[1]


def test_the_form_names_the_field_in_error_and_saves_nothing(world, director_client):
    answer = director_client.post("/diffusions/nouvelle/", {**FORM, "value": "NOPE"})
    assert answer.status_code == 400
    assert "Aucun immeuble n&#x27;a la référence « NOPE »" in answer.content.decode()
    answer = director_client.post("/diffusions/nouvelle/", {**FORM, "age_band": "vieux"})
    assert "tranche d&#x27;âge" in answer.content.decode()
    assert not Broadcast.objects.exists()


def test_a_draft_shows_counts_and_a_preview(world, director_client):
    answer = director_client.post("/diffusions/nouvelle/", FORM)
    broadcast = Broadcast.objects.get()
    assert answer.url == f"/diffusions/{broadcast.pk}/"
    page = director_client.get(answer.url).content.decode()
    assert 'data-testid="count-email">2<' in page and 'data-testid="count-letter">1<' in page
    assert "Aperçu pour Jeanne Moreau" in page


def test_sending_needs_the_ability_and_cancel_stops_it(world, member_factory, director_client):
    director_client.post("/diffusions/nouvelle/", FORM)
    broadcast = Broadcast.objects.get()
    _user, technician = member_factory(Role.TECHNICIAN)
    assert technician.post(f"/diffusions/{broadcast.pk}/envoyer/").status_code == 403
    _user, outsider = member_factory(Role.DIRECTOR, world.organisation.__class__.objects.create(
        name="Autre", slug="autre"))  # fmt: skip
    assert outsider.post(f"/diffusions/{broadcast.pk}/envoyer/").status_code == 404
    director_client.post(f"/diffusions/{broadcast.pk}/annuler/")
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.CANCELLED
    director_client.post(f"/diffusions/{broadcast.pk}/envoyer/")
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.CANCELLED  # nothing sent after a cancel


def test_letters_pdf_is_for_senders_and_audited(
    world, member_factory, director_client, smtp_server, settings, tmp_path,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.RELAIS_SMS_FILE_PATH = tmp_path
    director_client.post("/diffusions/nouvelle/", FORM)
    broadcast = Broadcast.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        director_client.post(f"/diffusions/{broadcast.pk}/envoyer/")
    answer = director_client.get(f"/diffusions/{broadcast.pk}/courriers.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="broadcast.letters_downloaded").count() == 1
    _user, read_only = member_factory(Role.READ_ONLY)
    assert read_only.get(f"/diffusions/{broadcast.pk}/courriers.pdf").status_code == 403
    recipients_page = director_client.get(f"/diffusions/{broadcast.pk}/destinataires/")
    assert recipients_page.content.decode().count('data-testid="delivery-row"') == 3


def test_public_messages_page_poster_and_notice_link(world, director_client, client, director):
    Broadcast.objects.create(
        organisation=world.organisation, title="Agences fermées", public=True,
        status=BroadcastStatus.SENT, criteria=[{"key": "organisation"}], subject="s",
        body="Bonjour {nom}, appelez le {astreinte}.", sms_body="s", created_by=director,
    )  # fmt: skip
    Broadcast.objects.create(
        organisation=world.organisation, title="Privé", public=False,
        status=BroadcastStatus.SENT, criteria=[{"key": "organisation"}], subject="s",
        body="Bonjour {nom}", sms_body="s", created_by=director,
    )  # fmt: skip
    page = client.get("/o/tours-habitat/messages/").content.decode()
    assert "Agences fermées" in page and "Bonjour Madame, Monsieur" in page
    assert "Privé" not in page
    poster = client.get("/o/tours-habitat/messages/affiche.pdf")
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    agencies = client.get("/o/tours-habitat/agences/").content.decode()
    assert agencies.count("/o/tours-habitat/messages/") == 0  # the notice shows in crisis only
    from relais.core.crisis import public_links

    assert ("Derniers messages aux locataires", "/o/tours-habitat/messages/") in [
        (line.first, line.second) for line in public_links(world.organisation)
    ]


@pytest.fixture
def director(organisation):
    from tests.factories import MembershipFactory

    return MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user


def test_broadcasts_to_approve_show_on_the_approvers_home(world, director, member_factory):
    Broadcast.objects.create(
        organisation=world.organisation, title="Travaux d'ascenseur",
        status=BroadcastStatus.AWAITING_APPROVAL, criteria=[{"key": "organisation"}],
        subject="s", body="b", sms_body="s", created_by=director,
    )  # fmt: skip
    _user, manager = member_factory(Role.MANAGER)
    cards = {card.key: card for card in manager.get("/").context["cards"]}
    card = cards["messaging.awaiting_approval"]
    assert card.count == 1 and card.rows[0].label == "Travaux d'ascenseur"
