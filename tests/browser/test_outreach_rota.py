"""The outreach manager sets the callers' rota on a phone (390 × 844): a caller × weekday
grid that fits the screen, saved, and the next seven days showing who is on duty."""

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.outreach.models import RotaSlot

from ..factories import MembershipFactory, OrganisationFactory
from ..outreach.fixtures import caller
from .test_foundation_flow import _login
from .test_outreach_flow import _no_sideways_scroll, _shots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sets_the_rota_on_a_phone(new_page, tmp_path):
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    lea = caller(organisation, "lea", first_name="Léa")
    caller(organisation, "paul", first_name="Paul")
    MembershipFactory(organisation=organisation, role=Role.MANAGER, user__username="manon")
    page = new_page(390, 844)
    _login(page, "manon")
    page.goto("/suivi/permanences/")
    _no_sideways_scroll(page)
    page.locator(f'input[name="caller-{lea.pk}"][value="0"]').check()
    page.locator(f'input[name="caller-{lea.pk}"][value="2"]').check()
    page.get_by_role("button", name="Enregistrer le planning").click()
    expect(page.get_by_text("Planning enregistré")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=_shots(tmp_path) / "outreach-rota-390.png", full_page=True)
    assert set(RotaSlot.objects.values_list("caller_id", "weekday")) == {(lea.pk, 0), (lea.pk, 2)}
    assert page.locator(f'input[name="caller-{lea.pk}"][value="2"]').is_checked()
