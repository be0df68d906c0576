"""Issue 19 §5 in a real browser: a form opened in one tab, the organisation switched in
another tab of the same session, then the first form submitted — refused, nothing created."""

import os
import re

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.housing.models import Household

from ..factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("RELAIS_SCREENSHOTS", "")


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Nom d.utilisateur|Identifiant|Login", re.I)).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def _switch(page, name):
    """Through the navigation bar's switcher (shown uncollapsed at 1280 px)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_label("Organisme", exact=True).select_option(label=name)
    page.get_by_role("button", name="Changer", exact=True).click()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_form_from_a_stale_tab_is_refused(new_page, width):
    user = UserFactory(username="deuxbailleurs")
    for name in ("Scalis", "Tours Habitat"):
        MembershipFactory(
            user=user, organisation=OrganisationFactory(name=name), role=Role.DIRECTOR
        )
    first = new_page(width=width)
    _login(first, "deuxbailleurs")
    _switch(first, "Scalis")
    first.set_viewport_size({"width": width, "height": 900})
    first.goto("/patrimoine/menages/nouveau/")
    first.locator("#id_name").fill("Famille Martin")
    first.locator("#id_reference").fill("M-1")

    second = first.context.new_page()  # another tab of the same session
    _switch(second, "Tours Habitat")

    first.get_by_role("button", name="Enregistrer").click()

    expect(
        first.get_by_role("heading", name="Formulaire ouvert dans un autre organisme")
    ).to_be_visible()
    expect(first.get_by_role("alert")).to_contain_text("ouvert pour Scalis")
    assert not Household.objects.exists()
    assert first.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if SHOTS:
        first.screenshot(path=f"{SHOTS}/organisation-mismatch-{width}.png", full_page=True)
    first.get_by_role("button", name=re.compile("Revenir à Scalis")).click()
    expect(first.get_by_label("Organisme", exact=True)).to_have_value(
        str(user.memberships.get(organisation__name="Scalis").organisation_id)
    )
