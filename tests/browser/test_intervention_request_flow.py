"""In a real browser: a tenant on a phone (390 × 844) mistypes the postcode and is told so
without saying which part was wrong, then sends the request saying someone in the home is
fragile; a technician sees it at 1280 px, and the request list fits at 1280 and 390 px.

The whole flow (triage, the contractor's link, the e-mails read from a local SMTP server) is
``test_intervention_full_flow.py``.
Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.interventions.models import InterventionRequest

from ..factories import (
    BuildingFactory,
    LeaseFactory,
    MembershipFactory,
    OccupantFactory,
    OrganisationFactory,
    UserFactory,
)
from .test_crisis_and_home import _shots
from .test_foundation_flow import _login, _login_on_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _quiet_outbox(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("relais.interventions.notify.notify_household", lambda **kw: None)


def _no_sideways(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_mistyped_postcode_then_a_fragile_household_seen_by_staff(new_page, tmp_path):
    shots = _shots(tmp_path)
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    building = BuildingFactory(residence__organisation=organisation, postcode="37000")
    lease = LeaseFactory(dwelling__building=building, reference="BAIL-0042")
    OccupantFactory(household=lease.household, phone="+33612345678")
    technician = UserFactory(username="julien", first_name="Julien", last_name="Fabre")
    MembershipFactory(user=technician, organisation=organisation, role=Role.TECHNICIAN)

    phone = new_page(390, 844)
    phone.goto("/o/tours-habitat/intervention/")
    _no_sideways(phone, 390)
    phone.get_by_label("Référence de votre bail").fill("BAIL-0042")
    phone.get_by_label("Code postal de votre logement, ou votre numéro de téléphone").fill("37100")
    phone.get_by_label("De quoi s’agit-il ?").select_option(label="Fuite d’eau")
    phone.get_by_label("Décrivez le problème").fill("L'eau coule sous l'évier depuis ce matin.")
    phone.get_by_role("button", name="Envoyer ma demande").click()
    expect(phone.get_by_test_id("form-error")).to_contain_text("Nous n’avons trouvé aucun bail")
    phone.screenshot(path=shots / "intervention-form-error-390.png", full_page=True)

    phone.get_by_label("Code postal de votre logement, ou votre numéro de téléphone").fill("37000")
    phone.get_by_label("Une personne du logement est malade ou fragile").check()
    phone.get_by_role("button", name="Envoyer ma demande").click()
    status = phone.get_by_test_id("request-status")
    expect(status).to_contain_text("Reçue, à trier")
    _no_sideways(phone, 390)
    phone.screenshot(path=shots / "intervention-status-390.png", full_page=True)
    found = InterventionRequest.objects.get()
    assert found.vulnerable_present

    desk = new_page(1280, 900)
    _login(desk, "julien")
    desk.goto("/interventions/")
    desk.get_by_role("link", name=found.tracking_number).click()
    expect(desk.get_by_test_id("vulnerable")).to_contain_text("oui")
    desk.screenshot(path=shots / "intervention-detail-1280.png", full_page=True)

    desk.goto("/interventions/?status=new")
    _no_sideways(desk, 1280)
    desk.screenshot(path=shots / "intervention-list-1280.png", full_page=True)
    small = new_page(390, 844)
    _login_on_phone(small, "julien")
    small.goto("/interventions/?status=new")
    expect(small.get_by_role("link", name=found.tracking_number)).to_be_visible()
    _no_sideways(small, 390)
    small.screenshot(path=shots / "intervention-list-390.png", full_page=True)
