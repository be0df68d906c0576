"""In a real browser (issue 18, "Done when"): the federation's analyst publishes a call-script
template; a member adopts it and edits its copy — the edit changes the member's copy only;
the federation sees the member adopted version 1. The pages at 390 px do not scroll sideways."""

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.federation.library.models import TemplateVersion
from relais.outreach.models import Campaign

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(organisation, username, role, first, last):
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_member_adopts_the_call_script_template_and_edits_its_copy(new_page):
    tours = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    scalis = OrganisationFactory(name="Scalis", slug="scalis")
    _user(tours, "federation", Role.FEDERATION_ANALYST, "Bruno", "Leclerc")
    _user(scalis, "scalis", Role.MANAGER, "Marc", "Lebrun")

    analyst = new_page()
    _login(analyst, "federation")
    analyst.goto("/federation/modeles/")
    analyst.get_by_test_id("publish").locator("a[href*='outreach.call_script']").click()
    analyst.locator("input[name=title]").fill("Script d'appel canicule")
    analyst.locator("input[name=content-name]").fill("Appels canicule")
    analyst.locator("textarea[name=content-script]").fill("1. Avez-vous de l'eau fraîche ?")
    analyst.locator("main form button[type=submit]").click()
    expect(analyst.get_by_test_id("preview")).to_contain_text("Avez-vous de l'eau fraîche ?")

    member = new_page(width=390, height=844)
    _login(member, "scalis")
    member.goto("/federation/modeles/")
    member.get_by_role("link", name="Script d'appel canicule").click()
    expect(member.get_by_test_id("preview")).to_contain_text("Avez-vous de l'eau fraîche ?")
    _no_sideways_scroll(member)
    member.get_by_test_id("adopt").click()
    script = member.locator("textarea[name=script]")
    expect(script).to_have_value("1. Avez-vous de l'eau fraîche ?")
    script.fill("1. Avez-vous de l'eau fraîche ?\n2. Votre voisine passe-t-elle vous voir ?")
    _no_sideways_scroll(member)
    member.locator("main form button[type=submit]").click()
    expect(member.locator("main")).to_contain_text("Appels canicule")

    copy = Campaign.objects.get(organisation=scalis)
    assert copy.script.endswith("Votre voisine passe-t-elle vous voir ?")
    assert not Campaign.objects.filter(organisation=tours).exists()
    version = TemplateVersion.objects.get()
    assert version.content["script"] == "1. Avez-vous de l'eau fraîche ?"

    analyst.reload()
    expect(analyst.get_by_test_id("member-scalis")).to_contain_text("1")
    expect(analyst.get_by_test_id("member-tours-habitat")).not_to_contain_text("1")
