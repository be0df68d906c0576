"""In a real browser at 390 × 844 (a contractor's phone): the contractor opens the work
order's link, accepts, proposes a visit, answers the health questionnaire with the tenant and
completes with a photo; the tenant's status page then shows the request done. Without
JavaScript and without sideways scrolling. Also the staff's work order and dashboard pages.

Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, Contractor, RequestStatus, WorkOrder
from relais.interventions.work_orders import services

from ..factories import LeaseFactory, MembershipFactory, OrganisationFactory, UserFactory
from ..interventions.conftest import image_bytes
from ..interventions.work_order_fixtures import make_request
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    where = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


@pytest.fixture
def dispatched(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("relais.interventions.work_orders.notify.queue_message", lambda **k: None)
    monkeypatch.setattr("relais.interventions.notify.notify_household", lambda **k: None)
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    ensure_defaults(organisation)
    leak = Category.objects.get(organisation=organisation, code="water_leak")
    lease = LeaseFactory(
        dwelling__building__residence__organisation=organisation, household__name="Famille Dupont"
    )
    request = make_request(lease, leak, number="DI-2026-000042")
    plumber = Contractor.objects.create(
        organisation=organisation,
        name="Plomberie Martin",
        siren="552100554",
        email="bons@plomberie.example",
    )
    plumber.trades.add(leak)
    work_order, token = services.work_order_create(
        organisation=organisation, actor=None, request=request, contractor=plumber
    )
    return organisation, work_order, token


def test_contractor_does_the_visit_from_a_phone(new_page, dispatched, tmp_path):
    organisation, work_order, token = dispatched
    shots = _shots(tmp_path)
    page = new_page(390, 844)
    page.goto(f"/prestataire/bon/{token}/")
    page.screenshot(path=shots / "work-order-link-390.png", full_page=True)
    _no_sideways_scroll(page)
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
    page.screenshot(path=shots / "work-order-health-390.png", full_page=True)
    _no_sideways_scroll(page)
    health.get_by_role("button", name="Enregistrer les réponses").click()
    assert "vous pouvez entrer" in page.content()
    page.get_by_label("Travaux réalisés").fill("Joint du siphon changé.")
    page.set_input_files(
        'input[name="photos"]',
        files=[{"name": "apres.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}],
    )
    page.get_by_role("button", name="Les travaux sont terminés").click()
    assert page.get_by_test_id("completed").is_visible()
    page.screenshot(path=shots / "work-order-done-390.png", full_page=True)
    work_order.refresh_from_db()
    assert work_order.status == "completed" and work_order.photos.count() == 1
    request = work_order.request
    assert request.status == RequestStatus.DONE
    page.goto(f"/o/{organisation.slug}/intervention/suivi/{request.status_token}/")
    assert "Réalisée" in page.get_by_test_id("request-status").inner_text()


def test_staff_pages_at_phone_width(new_page, dispatched, tmp_path):
    organisation, work_order, _token = dispatched
    shots = _shots(tmp_path)
    user = UserFactory(username="technicien", first_name="Julien", last_name="Fabre")
    MembershipFactory(user=user, organisation=organisation, role=Role.TECHNICIAN)
    for width in (1280, 390):
        page = new_page(width, 844)
        _login(page, "technicien")
        for name, url in (
            ("work-order", f"/interventions/bons/{work_order.pk}/"),
            ("dashboard", "/interventions/tableau-de-bord/"),
            ("contractors", "/interventions/prestataires/"),
            ("on-call", "/interventions/astreinte/"),
        ):
            page.goto(url)
            page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
            if width == 390:
                _no_sideways_scroll(page)
    assert WorkOrder.objects.count() == 1
