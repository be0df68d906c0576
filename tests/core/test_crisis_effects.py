"""The crisis mode acts: agencies show closed, the public notice, /crise/ says what it does."""

import subprocess

import pytest
from django.urls import reverse

from relais.core.models import AuditEvent, CrisisMode, CrisisNotice
from relais.core.roles import OUTSIDE_ROLES, STAFF_ROLES, Role
from relais.core.services import crisis_mode_change, crisis_notice_save

from ..factories import AgencyFactory

NOTICE = {
    "text": "Nos agences sont fermées jusqu'à nouvel ordre.",
    "phone_lines": (
        "02 47 60 00 00 | du lundi au vendredi, 9 h – 17 h\n02 47 60 11 11 | le samedi matin"
    ),
    "emergency_phone": "06 12 34 56 78",
    "links": "Payer mon loyer | https://paiement.example.org/loyer\nNos agences | /o/x/agences/",
}


def _crisis(organisation, reception_closed=True, mode=CrisisMode.CRISIS):
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=mode,
        switches={"reception_closed": reception_closed},
    )


def _statuses(client, organisation):
    response = client.get(reverse("core:public_agencies", args=[organisation.slug]))
    return [a.current_status for a in response.context["agencies"]], response.content.decode()


@pytest.fixture
def agencies(organisation):
    return [
        AgencyFactory(organisation=organisation, name="A Centre", public_status="open"),
        AgencyFactory(organisation=organisation, name="B Nord", public_status="appointment"),
        AgencyFactory(organisation=organisation, name="C Sud", public_status="phone_only"),
    ]


def test_reception_closed_shows_every_agency_closed_and_off_restores_each_status(
    client, organisation, agencies, member_factory
):
    assert _statuses(client, organisation)[0] == ["open", "appointment", "phone_only"]
    _crisis(organisation)
    statuses, body = _statuses(client, organisation)
    assert statuses == ["closed"] * 3
    assert body.count("Fermée") >= 3 and "Ouverte au public" not in body
    # Staff pages too, with each agency's own status kept.
    _user, staff = member_factory(Role.CARETAKER)
    response = staff.get(reverse("core:agency_list"))
    assert [a.current_status for a in response.context["agencies"]] == ["closed"] * 3
    page = response.content.decode()
    assert page.count('badge text-bg-danger" data-testid="agency-status"') == 3
    # Each agency's own status is shown as what comes back.
    assert "Statut propre, rétabli à la réouverture de l’accueil : Sur rendez-vous" in page
    _crisis(organisation, reception_closed=False, mode=CrisisMode.RESTART)
    assert _statuses(client, organisation)[0] == ["open", "appointment", "phone_only"]
    stored = sorted(a.public_status for a in type(agencies[0]).objects.all())
    assert stored == ["appointment", "open", "phone_only"]


def test_reception_closed_is_per_organisation(client, organisation, other_organisation, agencies):
    AgencyFactory(organisation=other_organisation, public_status="open")
    _crisis(organisation)
    assert _statuses(client, other_organisation)[0] == ["open"]


def test_an_agency_opened_during_the_closure_keeps_its_status_and_is_audited(
    client, organisation, agencies, member_factory
):
    _crisis(organisation)
    _user, manager = member_factory(Role.MANAGER)
    url = reverse("core:agency_closure", args=[agencies[1].pk])
    assert manager.post(url, {"open_during_closure": "1"}).status_code == 302
    assert manager.post(url, {"open_during_closure": "1"}).status_code == 302  # double submit
    assert _statuses(client, organisation)[0] == ["closed", "appointment", "closed"]
    events = AuditEvent.objects.filter(action="agency.closure_override_changed")
    assert [e.changes for e in events] == [{"open_during_closure": [False, True]}]
    manager.post(url, {"open_during_closure": "0"})
    assert _statuses(client, organisation)[0] == ["closed"] * 3
    # When reception reopens, the override changes nothing.
    _crisis(organisation, reception_closed=False)
    manager.post(url, {"open_during_closure": "1"})
    assert _statuses(client, organisation)[0] == ["open", "appointment", "phone_only"]


def test_opening_during_the_closure_needs_agency_edit_and_stays_in_the_organisation(
    organisation, other_organisation, agencies, member_factory
):
    url = reverse("core:agency_closure", args=[agencies[0].pk])
    _user, caretaker = member_factory(Role.CARETAKER)
    assert caretaker.post(url, {"open_during_closure": "1"}).status_code == 403
    _user, outsider = member_factory(Role.DIRECTOR, other_organisation)
    assert outsider.post(url, {"open_during_closure": "1"}).status_code == 404
    assert not type(agencies[0]).objects.filter(open_during_closure=True).exists()


def test_the_notice_heads_the_public_page_only_in_crisis(client, organisation, agencies):
    crisis_notice_save(organisation=organisation, actor=None, **NOTICE)
    _statuses_before, body = _statuses(client, organisation)
    assert 'data-testid="crisis-notice"' not in body
    _crisis(organisation)
    _statuses_now, body = _statuses(client, organisation)
    assert 'data-testid="crisis-notice"' in body
    assert body.index("crisis-notice") < body.index('data-testid="agency"')
    assert 'href="tel:0612345678"' in body and "06 12 34 56 78" in body
    assert 'href="tel:0247601111"' in body and "le samedi matin" in body
    assert 'href="https://paiement.example.org/loyer"' in body
    assert "Dernière mise à jour le" in body
    _crisis(organisation, reception_closed=False, mode=CrisisMode.NORMAL)
    assert 'data-testid="crisis-notice"' not in _statuses(client, organisation)[1]


@pytest.mark.parametrize("role", sorted(STAFF_ROLES | OUTSIDE_ROLES))
def test_only_directors_and_managers_edit_the_notice(role, member_factory, organisation):
    _user, client = member_factory(role)
    response = client.post(reverse("core:crisis_notice"), NOTICE)
    if role in (Role.DIRECTOR, Role.MANAGER):
        assert response.status_code == 302
        assert CrisisNotice.objects.get(organisation=organisation).text == NOTICE["text"]
    else:
        assert response.status_code == 403
        assert not CrisisNotice.objects.exists()


def test_editing_the_notice_updates_one_row_and_is_audited(member_factory, organisation):
    user, client = member_factory(Role.MANAGER)
    client.post(reverse("core:crisis_notice"), NOTICE)
    client.post(reverse("core:crisis_notice"), {**NOTICE, "text": "Réouverture lundi."})
    notice = CrisisNotice.objects.get()
    assert (notice.text, notice.updated_by) == ("Réouverture lundi.", user)
    events = AuditEvent.objects.filter(action="crisis.notice_updated").order_by("sequence")
    assert events[1].changes == {"text": [NOTICE["text"], "Réouverture lundi."]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emergency_phone", "appelez-nous", "Numéro d’astreinte : « appelez-nous »"),
        ("emergency_phone", "", "Ce champ est obligatoire"),
        ("phone_lines", "02 47 60 00 00 | 9 h\nle matin | 8 h", "Ligne 2 : « le matin »"),
        ("links", "Payer | javascript:alert(1)", "Ligne 1 : « javascript:alert(1) »"),
        ("links", "https://example.org", "Ligne 1 : écrivez ce que fait le lien"),
    ],
)
def test_a_bad_notice_is_refused_with_a_message_naming_the_line(
    member_factory, field, value, message
):
    _user, client = member_factory(Role.DIRECTOR)
    response = client.post(reverse("core:crisis_notice"), {**NOTICE, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CrisisNotice.objects.exists()


def test_the_notice_prints_as_an_a4_pdf(member_factory, organisation, tmp_path):
    crisis_notice_save(organisation=organisation, actor=None, **NOTICE)
    _user, caretaker = member_factory(Role.CARETAKER)
    response = caretaker.get(reverse("core:crisis_notice_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    path = tmp_path / "avis.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    assert "Pages:           1" in info.stdout
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("Avis aux locataires", "06 12 34 56 78", "le samedi matin", "Payer"):
        assert expected in text
    # Same notice, same bytes (ADR 0011).
    assert caretaker.get(reverse("core:crisis_notice_pdf")).content == content


def test_no_notice_no_pdf(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    assert client.get(reverse("core:crisis_notice_pdf")).status_code == 404


def test_crisis_page_lists_what_each_switch_changes(member_factory):
    _user, client = member_factory(Role.READ_ONLY)
    body = client.get(reverse("core:crisis")).content.decode()
    assert "Les agences s’affichent fermées au public" in body
    assert "L’avis de crise" in body
    # Allocation registers its line from its AppConfig.
    assert "Les nouvelles séances de commission sont proposées à distance par défaut." in body
    # Every switch now has a capability reading it (a switch nobody reads would say so).
    assert "Rien dans Relais ne lit encore cet interrupteur" not in body
    assert "Les chantiers en cours s’arrêtent le jour même" in body


def test_crisis_notes_are_for_staff_only(member_factory, organisation):
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=CrisisMode.CRISIS,
        switches={},
        note="Inondation rue des Tanneurs, 3 agents absents",
    )
    for role in sorted(STAFF_ROLES | OUTSIDE_ROLES):
        _user, client = member_factory(role)
        body = client.get(reverse("core:crisis")).content.decode()
        assert "Crise" in body, role
        assert ("Inondation rue des Tanneurs" in body) == (role in STAFF_ROLES), role
