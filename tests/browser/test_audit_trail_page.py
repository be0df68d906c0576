"""The audit trail in a real browser: readable at 1280 and 390 px, filters through htmx."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.housing.services import record_save

from ..factories import MembershipFactory, OccupantFactory, UserFactory
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("RELAIS_SCREENSHOTS", "/tmp"))


def test_director_reads_filters_and_sees_no_sensitive_value(new_page, tmp_path):
    director = UserFactory(username="directrice", first_name="Anne", last_name="Moreau")
    membership = MembershipFactory(user=director, role=Role.DIRECTOR)
    organisation = membership.organisation
    occupant = OccupantFactory(household__organisation=organisation, first_name="Lucienne")
    occupant.first_name, occupant.has_disability, occupant.lives_alone = "Lucie", True, True
    record_save(organisation=organisation, actor=director, instance=occupant, entity="occupant")

    for width, height in ((1280, 900), (390, 844)):
        page = new_page(width=width, height=height)
        _login(page, "directrice")
        page.goto("/journal/")
        results = page.locator("#results")
        expect(results.get_by_text("Occupant modifié")).to_be_visible()
        expect(results.get_by_text("Prénom : Lucienne → Lucie")).to_be_visible()
        expect(results.get_by_text("Handicap : masqué")).to_be_visible()
        expect(results.get_by_text("Vit seul(e) : masqué")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"audit-trail-{width}.png"), full_page=True)

    page.get_by_label("Action").select_option(label="Organisme créé")
    expect(page.locator("#results").get_by_text("Occupant modifié")).to_have_count(0)
    expect(page.locator("#results").get_by_text("Organisme créé")).to_be_visible()
    expect(page).to_have_url(re.compile(r"action=organisation\.created"))
