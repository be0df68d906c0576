"""In a real browser at 390 × 844 (a caller's phone): the caller works through the day's list,
records a "no answer" (the person comes back later in the day) and a "reached with needs"
that becomes a referral to the CCAS; the CCAS partner then sees only that referral (not the
other partner's) and closes it. No sideways scrolling on any of these pages.

Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.outreach import services
from relais.outreach.models import Follow, PartnerUser, Referral

from ..factories import LeaseFactory, MembershipFactory, OrganisationFactory
from ..outreach.fixtures import caller, campaign, ccas, move_into_calling_hours, person
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    where = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


@pytest.fixture
def day_list(monkeypatch):
    monkeypatch.setattr("relais.outreach.notify.send_referral_link", lambda *a: True)
    move_into_calling_hours(monkeypatch)  # a retry the same day, whatever the hour
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    lease = LeaseFactory(dwelling__building__residence__organisation=organisation)
    first = person(organisation, name="Absente", lease=lease)
    second = person(organisation, name="Besoin")
    tours = ccas(organisation, second, name="CCAS de Tours")
    other = ccas(organisation, first, name="CCAS de Joué")
    campaign(organisation, name="Canicule août")
    lea = caller(organisation, "lea", first_name="Léa")
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    # Another partner's referral, which the CCAS of Tours must never see.
    services.referral_create(
        organisation=organisation,
        actor=None,
        follow=Follow.objects.get(entry=first),
        partner=other,
        reason="needs",
        summary="Dossier de Joué",
    )
    partner_member = MembershipFactory(
        organisation=organisation, role=Role.SOCIAL_PARTNER, user__username="ccas"
    )
    PartnerUser.objects.create(organisation=organisation, membership=partner_member, partner=tours)
    return organisation


def test_caller_works_the_list_and_the_ccas_closes_the_referral(new_page, day_list, tmp_path):
    shots = _shots(tmp_path)
    page = new_page(390, 844)
    _login(page, "lea")
    expect(page.get_by_text("Appels du jour")).to_be_visible()
    page.goto("/suivi/appels/")
    _no_sideways_scroll(page)
    page.screenshot(path=shots / "outreach-today-390.png", full_page=True)
    expect(page.get_by_test_id("next-call")).to_contain_text("Jeanne Absente")
    page.get_by_role("link", name="Appeler").click()
    expect(page.get_by_role("heading", name="Jeanne Absente")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=shots / "outreach-call-390.png", full_page=True)
    page.get_by_label("Pas de réponse").check()
    page.get_by_role("button", name="Enregistrer l’appel").click()
    expect(page.get_by_text("Appel enregistré.")).to_be_visible()
    # The absent person comes back later today; the next person is the other one.
    expect(page.get_by_test_id("call-list")).to_contain_text(
        "Pas de réponse : rappeler à partir de"
    )
    expect(page.get_by_test_id("next-call")).to_contain_text("Jeanne Besoin")
    page.get_by_role("link", name="Appeler").click()
    page.get_by_label("Joint(e), avec des besoins").check()
    page.get_by_label("Courses").check()
    page.get_by_label("Médicaments").check()
    page.get_by_label("Précision sur les besoins").fill("Plus rien dans le réfrigérateur")
    page.get_by_label("Signaler aux services sociaux").select_option(label="CCAS de Tours")
    page.get_by_role("button", name="Enregistrer l’appel").click()
    expect(page.get_by_text("Signalement envoyé : CCAS de Tours.")).to_be_visible()
    _no_sideways_scroll(page)
    referral = Referral.objects.get(partner__name="CCAS de Tours")

    partner = new_page(390, 844)
    _login(partner, "ccas")
    expect(partner.get_by_text("Nouveaux signalements")).to_be_visible()
    partner.goto("/partenaire/signalements/")
    _no_sideways_scroll(partner)
    expect(partner.get_by_text("Jeanne Besoin")).to_be_visible()
    expect(partner.get_by_text("Jeanne Absente")).to_have_count(0)
    partner.get_by_role("link", name="Jeanne Besoin").click()
    expect(partner.get_by_test_id("referral")).to_contain_text("Courses, Médicaments")
    expect(partner.get_by_test_id("referral")).to_contain_text("Consentement donné par la personne")
    partner.screenshot(path=shots / "outreach-referral-390.png", full_page=True)
    _no_sideways_scroll(partner)
    partner.get_by_role("button", name="Accepter le signalement").click()
    expect(partner.get_by_text("Signalement accepté.")).to_be_visible()
    partner.get_by_label("Votre retour").fill("Portage de repas mis en place")
    partner.get_by_label("Clore le signalement (suivi fait)").check()
    partner.get_by_role("button", name="Envoyer").click()
    expect(partner.get_by_text("Signalement clos. Merci.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == "closed" and "Portage de repas" in referral.feedback
    # The other partner's referral was never reachable.
    other = Referral.objects.get(partner__name="CCAS de Joué")
    response = partner.goto(f"/partenaire/signalements/{other.pk}/")
    assert response.status == 404
