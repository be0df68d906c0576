"""In a real browser at 390 × 844: a tenant reports a water leak with a photo, without an
account, and lands on the status page; a technician triages it on the triage list; the tenant's
page shows the new status. Then the pages at 1280 px, none scrolling sideways.

The contractor's link and the e-mail read from a local SMTP server (issue 8, "Done when") come
with the work orders and the outbox.
Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import io

import pytest
from PIL import Image
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


def _photo(tmp_path):
    path = tmp_path / "fuite.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 90, 200)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _no_sideways(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_tenant_reports_a_leak_on_a_phone_and_staff_triage_it(new_page, tmp_path):
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
    phone.get_by_label("Photos (facultatif)").set_input_files(str(_photo(tmp_path)))
    phone.get_by_label("Une personne du logement est malade ou fragile").check()
    phone.get_by_role("button", name="Envoyer ma demande").click()
    status = phone.get_by_test_id("request-status")
    expect(status).to_contain_text("Reçue, à trier")
    _no_sideways(phone, 390)
    phone.screenshot(path=shots / "intervention-status-390.png", full_page=True)
    found = InterventionRequest.objects.get()
    assert found.photos.count() == 1 and found.vulnerable_present

    desk = new_page(1280, 900)
    _login(desk, "julien")
    desk.goto("/interventions/")
    desk.get_by_role("link", name=found.tracking_number).click()
    expect(desk.get_by_test_id("vulnerable")).to_contain_text("oui")
    desk.screenshot(path=shots / "intervention-detail-1280.png", full_page=True)
    desk.get_by_label("Priorité").select_option(label="Urgente")
    desk.get_by_role("button", name="Valider le tri").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Triée, entreprise à trouver")

    phone.reload()
    expect(status).to_contain_text("Triée, entreprise à trouver")

    desk.goto("/interventions/?status=triaged")
    _no_sideways(desk, 1280)
    desk.screenshot(path=shots / "intervention-list-1280.png", full_page=True)
    small = new_page(390, 844)
    _login_on_phone(small, "julien")
    small.goto("/interventions/?status=triaged")
    expect(small.get_by_role("link", name=found.tracking_number)).to_be_visible()
    _no_sideways(small, 390)
    small.screenshot(path=shots / "intervention-list-390.png", full_page=True)
