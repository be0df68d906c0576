"""Issue 8's "Done when", in a real browser at 390 × 844 from start to end: a tenant reports a
water leak with a photo on the public form (no account); a technician triages it and sends it
to a plumber from their phone; the plumber opens the link of the e-mail they received, accepts,
proposes a visit, answers the health questionnaire with the tenant and completes with a photo;
the tenant's status page shows it done, and the e-mails the tenant received (read from a local
SMTP server) told them so. No page scrolls sideways.

Screenshots of each step go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a
temp dir.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import (
    Category,
    Contractor,
    InterventionRequest,
    RequestStatus,
    WorkOrderStatus,
)

from ..factories import (
    BuildingFactory,
    LeaseFactory,
    MembershipFactory,
    OccupantFactory,
    OrganisationFactory,
    UserFactory,
)
from ..interventions.conftest import image_bytes
from .test_crisis_and_home import _shots
from .test_foundation_flow import _login_on_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
LINK = re.compile(r"https?://\S+/prestataire/bon/[^/\s]+/")


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _no_sideways(page):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= WIDTH, f"{page.url} scrolls sideways at {WIDTH} px ({scroll})"


def _snap(page, shots, name):
    _no_sideways(page)
    page.screenshot(path=shots / f"full-flow-{name}-390.png", full_page=True)


def _world(live_server, settings, tmp_path):
    """Tours Habitat, the Dupont household reachable by e-mail, a technician and a plumber."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url  # the links of the e-mails point at the test server
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    ensure_defaults(organisation)
    building = BuildingFactory(residence__organisation=organisation, postcode="37000")
    lease = LeaseFactory(
        dwelling__building=building, reference="BAIL-0042", household__name="Famille Dupont"
    )
    OccupantFactory(
        household=lease.household,
        first_name="Claire",
        last_name="Dupont",
        phone="+33612345678",
        email="claire.dupont@example.fr",
        preferred_channel="email",
    )
    technician = UserFactory(username="julien", first_name="Julien", last_name="Fabre")
    MembershipFactory(user=technician, organisation=organisation, role=Role.TECHNICIAN)
    plumber = Contractor.objects.create(
        organisation=organisation,
        name="Plomberie Martin",
        siren="552100554",
        email="bons@plomberie-martin.example",
    )
    plumber.trades.add(Category.objects.get(organisation=organisation, code="water_leak"))
    return organisation


def _tenant_reports(page, shots, tmp_path) -> InterventionRequest:
    photo = tmp_path / "fuite.jpg"
    photo.write_bytes(image_bytes(size=(1200, 900)))
    page.goto("/o/tours-habitat/intervention/")
    _snap(page, shots, "1-form")
    page.get_by_label("Référence de votre bail").fill("BAIL-0042")
    page.get_by_label("Code postal de votre logement, ou votre numéro de téléphone").fill("37000")
    page.get_by_label("De quoi s’agit-il ?").select_option(label="Fuite d’eau")
    page.get_by_label("Décrivez le problème").fill("L'eau coule sous l'évier depuis ce matin.")
    page.get_by_label("Photos (facultatif)").set_input_files(str(photo))
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_test_id("request-status")).to_contain_text("Reçue, à trier")
    _snap(page, shots, "2-status-received")
    found = InterventionRequest.objects.get()
    assert found.photos.count() == 1 and found.category.code == "water_leak"
    return found


def _technician_triages_and_sends(page, shots, found):
    _login_on_phone(page, "julien")
    page.goto("/interventions/")
    page.get_by_role("link", name=found.tracking_number).click()
    expect(page.get_by_role("img", name=re.compile("Photo 1"))).to_be_visible()
    _snap(page, shots, "3-request")
    page.get_by_label("Priorité").select_option(label="Urgente")
    page.get_by_role("button", name="Valider le tri").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Triée, entreprise à trouver")
    page.get_by_role("link", name="Envoyer à une entreprise").click()
    page.get_by_label(re.compile("^Plomberie Martin")).check()
    _snap(page, shots, "4-send")
    page.get_by_role("button", name="Envoyer le bon de commande").click()
    expect(page.get_by_role("alert").first).to_contain_text("Plomberie Martin")
    _snap(page, shots, "5-work-order")


def _contractor_works(page, shots, url):
    page.goto(url)
    job = page.get_by_test_id("work-order")
    # The phone on file (the tenant gave none on the form), to call before the visit.
    expect(job.get_by_role("link", name="06 12 34 56 78")).to_have_attribute(
        "href", "tel:0612345678"
    )
    expect(job).to_contain_text("37000 Tours")
    _snap(page, shots, "6-link")
    page.get_by_role("button", name="Accepter").click()
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page.get_by_label("Jour du passage").fill(day)
    page.get_by_label("Arrivée à partir de").fill("09:00")
    page.get_by_label("Jusqu’à").fill("10:00")
    page.get_by_role("button", name="Enregistrer le passage").click()
    health = page.get_by_test_id("step-health")
    for question, answer in (
        ("symptômes", "Non"),
        ("vulnérable", "Non"),
        ("masque", "Oui"),
        ("aérée", "Oui"),
    ):
        health.get_by_role("group", name=question).get_by_label(answer).check()
    _snap(page, shots, "7-health")
    health.get_by_role("button", name="Enregistrer les réponses").click()
    expect(page.get_by_text("vous pouvez entrer")).to_be_visible()
    page.get_by_label("Travaux réalisés").fill("Joint du siphon changé, plus de fuite.")
    page.set_input_files(
        'input[name="photos"]',
        files=[{"name": "apres.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}],
    )
    _snap(page, shots, "8-complete")
    page.get_by_role("button", name="Les travaux sont terminés").click()
    expect(page.get_by_test_id("completed")).to_be_visible()
    _snap(page, shots, "9-done")


def test_a_water_leak_from_the_tenants_phone_to_the_contractors_completion(
    new_page, live_server, settings, smtp_server, tmp_path
):
    shots = _shots(tmp_path)
    _world(live_server, settings, tmp_path)

    tenant = new_page(WIDTH, HEIGHT)
    found = _tenant_reports(tenant, shots, tmp_path)
    _technician_triages_and_sends(new_page(WIDTH, HEIGHT), shots, found)

    [order] = [m for m in smtp_server.messages if m["To"] == "bons@plomberie-martin.example"]
    assert found.tracking_number in order["Subject"]
    _contractor_works(new_page(WIDTH, HEIGHT), shots, LINK.search(_text(order))[0])

    found.refresh_from_db()
    assert found.status == RequestStatus.DONE
    assert found.work_orders.get().status == WorkOrderStatus.COMPLETED
    tenant.reload()
    expect(tenant.get_by_test_id("request-status")).to_contain_text("Réalisée")
    _snap(tenant, shots, "10-status-done")

    to_tenant = [m for m in smtp_server.messages if m["To"] == "claire.dupont@example.fr"]
    subjects = [m["Subject"] for m in to_tenant]
    assert any("réalisée" in subject for subject in subjects), subjects
    done = next(m for m in to_tenant if "réalisée" in m["Subject"])
    assert found.status_token in _text(done)  # the link to the status page
