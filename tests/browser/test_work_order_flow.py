"""The staff's work order, dashboard, contractors and on-call pages at 1280 and 390 px, none
scrolling sideways. The contractor's visit through the link, at 390 px, is in the whole flow
(``test_intervention_full_flow.py``).

Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import os
from pathlib import Path

import pytest

from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, Contractor, WorkOrder
from relais.interventions.work_orders import services

from ..factories import LeaseFactory, MembershipFactory, OrganisationFactory, UserFactory
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
