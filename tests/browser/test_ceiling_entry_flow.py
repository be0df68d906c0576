"""An operator enters the PLAI 2024 table: a typo is caught cell by cell, then it is saved."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from relais.allocation.models import IncomeCeiling
from relais.core.roles import Role

from ..accounts import add_totp
from ..allocation.test_eligibility_rules import PLAI_2024
from ..factories import PASSWORD, MembershipFactory, UserFactory
from .allocation_setup import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username, secret):
    """Password, then the TOTP code every staff account (a platform operator) must give."""
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Nom d.utilisateur|Identifiant|Login", re.I)).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def test_operator_enters_a_plai_table(new_page, tmp_path):
    operator = UserFactory(username="exploitant", is_staff=True)
    operator.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_incomeceiling", "change_incomeceiling"])
    )
    MembershipFactory(user=operator, role=Role.READ_ONLY)
    secret = add_totp(operator)
    page = new_page()
    _login(page, "exploitant", secret)
    page.goto("/attributions/plafonds-de-ressources/saisir/?year=2024&financing=PLAI")
    expect(page.get_by_role("heading", name="Plafonds de ressources PLAI 2024")).to_be_visible()
    page.get_by_label("Source").fill("Arrêté du 18 décembre 2023")
    for zone, amounts in PLAI_2024.items():
        for category, amount in enumerate(amounts, start=1):
            page.locator(f"#id_amount_{zone}_{category}").fill(f"{amount:,}".replace(",", " "))
    page.locator("#id_amount_paris_limitrophes_2").fill("218805")  # the openfisca typo
    page.get_by_role("button", name="Enregistrer la table").click()
    expect(page.get_by_text("faute de frappe")).to_be_visible()
    page.screenshot(path=tmp_path / "entry-1280.png", full_page=True)
    assert not IncomeCeiling.objects.exists()

    page.locator("#id_amount_paris_limitrophes_2").fill("23 355")
    page.get_by_role("button", name="Enregistrer la table").click()
    expect(page.get_by_text("La table PLAI 2024 est enregistrée")).to_be_visible()
    expect(page.get_by_test_id("ceilings-PLAI")).to_contain_text("21 818")
    assert IncomeCeiling.objects.filter(year=2024, financing="PLAI").count() == 21

    phone = page  # the same session (a TOTP code is accepted once), on a phone's width
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto("/attributions/plafonds-de-ressources/saisir/?year=2024&financing=PLI")
    expect(phone.get_by_role("group", name="Zone A bis")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "entry-390.png", full_page=True)
