"""The reservation pages' POST actions and the holder's link: designating through a link (no
account), a revoked or expired link, an officer's override and agenda from the pages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.allocation.models import ItemStatus, SessionStatus
from relais.allocation.reservations import services
from relais.core.roles import Role

from ..factories import MembershipFactory, OrganisationFactory
from .factories import CommissionFactory, SessionFactory
from .factories_reservations import agreement, holder, ready_vacancy, reserved_vacancy
from .factories_vacancies import applicant, ceilings

pytestmark = pytest.mark.django_db


@pytest.fixture
def landlord():
    return OrganisationFactory(name="Tours Habitat")


def _officer(landlord):
    client = Client()
    client.force_login(MembershipFactory(organisation=landlord, role=Role.ALLOCATION_OFFICER).user)
    return client


def test_three_designations_through_the_link_then_the_agenda(landlord):
    ceilings(timezone.localdate().year)
    prefecture = holder(email="ddets@example.fr")
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    token = services.link_send(assignment=assignment, actor=None)
    url = reverse("allocation:reservation_link", args=[token])
    numbers = [applicant(landlord).registration_number for _ in range(3)]
    anonymous = Client()
    bad = anonymous.post(url, {"number_1": "037-UNKNOWN"})
    assert bad.status_code == 400 and "037-UNKNOWN" in bad.content.decode()
    data = {f"number_{i}": n for i, n in enumerate(numbers, start=1)}
    assert anonymous.post(url, data).status_code == 302
    designations = list(assignment.designations.order_by("rank"))
    assert [d.application.registration_number for d in designations] == numbers
    assert all(d.through_link and d.designated_by is None for d in designations)
    session = SessionFactory(commission=CommissionFactory(organisation=landlord))
    session.closes_at = timezone.now() + dt.timedelta(days=2)
    session.save()
    assert session.status == SessionStatus.DRAFT
    officer = _officer(landlord)
    response = officer.post(
        reverse("allocation:assignment_agenda", args=[assignment.pk]), {"session": session.pk}
    )
    assert response.status_code == 302
    item = session.items.get()
    assert item.status == ItemStatus.PENDING
    ranked = item.candidates.order_by("proposed_rank").values_list(
        "application__registration_number", flat=True
    )
    assert list(ranked) == numbers


def test_revoked_and_expired_links_close(landlord):
    prefecture = holder(email="ddets@example.fr")
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    token = services.link_send(assignment=assignment, actor=None)
    url = reverse("allocation:reservation_link", args=[token])
    assert Client().get(url).status_code == 200
    officer = _officer(landlord)
    officer.post(reverse("allocation:assignment_link_revoke", args=[assignment.pk]))
    assert Client().get(url).status_code == 410
    token = services.link_send(assignment=assignment, actor=None)
    assignment.refresh_from_db()
    assignment.link_expires_at = timezone.now() - dt.timedelta(seconds=1)
    assignment.save()
    assert Client().get(reverse("allocation:reservation_link", args=[token])).status_code == 410
    assert Client().get(reverse("allocation:reservation_link", args=["nope"])).status_code == 404


def test_officer_overrides_the_flow_with_a_reason(landlord):
    prefecture = holder()
    the_agreement = agreement(landlord, prefecture, share=5)
    vacancy = ready_vacancy(landlord)
    officer = _officer(landlord)
    url = reverse("allocation:assignment_override", args=[vacancy.assignment.pk])
    officer.post(url, {"agreement": the_agreement.pk, "reason": ""})
    vacancy.assignment.refresh_from_db()
    assert vacancy.assignment.agreement is None
    officer.post(url, {"agreement": the_agreement.pk, "reason": "Demande de la DDETS"})
    vacancy.assignment.refresh_from_db()
    assert vacancy.assignment.agreement == the_agreement


def test_post_actions_refuse_other_roles_and_organisations(landlord):
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, holder()))
    names = [
        "allocation:assignment_override",
        "allocation:assignment_link_send",
        "allocation:assignment_link_revoke",
        "allocation:assignment_release",
        "allocation:assignment_agenda",
    ]
    reader = Client()
    reader.force_login(MembershipFactory(organisation=landlord, role=Role.MANAGER).user)
    outsider = _officer(OrganisationFactory(name="Autre"))
    for name in names:
        url = reverse(name, args=[assignment.pk])
        assert reader.post(url).status_code == 403, name
        assert outsider.post(url).status_code == 404, name


def test_agreement_form_creates_with_scope(landlord):
    prefecture = holder()
    client = Client()
    client.force_login(MembershipFactory(organisation=landlord, role=Role.DIRECTOR).user)
    from ..factories import CommuneFactory

    CommuneFactory()
    data = {
        "holder": prefecture.pk,
        "reference": "CONV-2026-PREF",
        "share_percent": 30,
        "departement": "",
        "commune_codes": "37261, 99999",
        "typologies": ["T3"],
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "designation_days": 30,
    }
    response = client.post(reverse("allocation:agreement_create"), data)
    assert response.status_code == 400 and "99999" in response.content.decode()
    data["commune_codes"] = "37261"
    assert client.post(reverse("allocation:agreement_create"), data).status_code == 302
    made = prefecture.agreements.get()
    assert made.organisation == landlord and made.typology_mask == 1 << 2
    assert list(made.communes.values_list("code", flat=True)) == ["37261"]


def test_without_a_draft_session_the_page_links_to_planning_one(landlord):
    ceilings(timezone.localdate().year)
    prefecture = holder(email="ddets@example.fr")
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    token = services.link_send(assignment=assignment, actor=None)
    number = applicant(landlord).registration_number
    Client().post(reverse("allocation:reservation_link", args=[token]), {"number_1": number})
    commission = CommissionFactory(organisation=landlord)
    officer = _officer(landlord)
    url = reverse("allocation:assignment_detail", args=[assignment.pk])
    page = officer.get(url).content.decode()
    assert "Aucune séance en préparation" in page
    assert reverse("allocation:session_create", args=[commission.pk]) in page
    assert 'name="session"' not in page
    session = SessionFactory(commission=commission)
    session.closes_at = timezone.now() + dt.timedelta(days=2)
    session.save()
    page = officer.get(url).content.decode()
    assert 'name="session"' in page and "Aucune séance en préparation" not in page


def test_the_reservation_shows_before_proposing_and_only_designated_can_be_ticked(landlord):
    """The vacancy page and the candidate search say who holds the vacancy and until when, and
    the candidates it did not designate offer no box to tick."""
    ceilings(timezone.localdate().year)
    prefecture = holder("Action Logement Services", email="al@example.fr")
    vacancy, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    token = services.link_send(assignment=assignment, actor=None)
    designated, other = applicant(landlord), applicant(landlord)
    link = reverse("allocation:reservation_link", args=[token])
    Client().post(link, {"number_1": designated.registration_number})
    session = SessionFactory(commission=CommissionFactory(organisation=landlord))
    session.closes_at = timezone.now() + dt.timedelta(days=2)
    session.save()
    officer = _officer(landlord)
    due = assignment.designation_due_on.strftime("%d/%m/%Y")
    notice = f"Réservé à Action Logement Services jusqu’au {due}"
    detail = officer.get(reverse("allocation:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert notice in detail and "seuls les candidats qu’il désigne" in detail
    page = officer.get(reverse("allocation:vacancy_candidates", args=[vacancy.pk]))
    html = page.content.decode()
    assert notice in html
    assert f'id="pick-{designated.pk}"' in html
    assert f'id="pick-{other.pk}"' not in html and 'data-testid="not-designated"' in html
    assignment.released_on = timezone.localdate()
    assignment.save(update_fields=["released_on"])
    html = officer.get(reverse("allocation:vacancy_candidates", args=[vacancy.pk])).content.decode()
    assert notice not in html and f'id="pick-{other.pk}"' in html
