"""Entering a year's income-ceiling table: the operator's page, its checks and its audit."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from relais.allocation.eligibility.ceilings import ceiling_table
from relais.allocation.models import IncomeCeiling
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..accounts import add_totp, login_with_totp
from ..factories import UserFactory
from .test_eligibility_rules import PLAI_2024, PLI_2023, amounts_of

URL = reverse("allocation:income_ceiling_entry")


@pytest.fixture
def operator(client, db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="allocation",
            codename__in=["add_incomeceiling", "change_incomeceiling"],
        )
    )
    login_with_totp(client, user, add_totp(user))  # operators are staff: TOTP required
    return client


def post_data(table: dict, source="arrêté of 18 December 2023", **overrides) -> dict:
    data = {"source": source}
    data |= {
        f"amount_{zone}_{category}": str(amount)
        for (zone, category), amount in amounts_of(table).items()
    }
    return data | overrides


def test_the_page_has_one_field_per_zone_and_category(operator):
    page = operator.get(URL, {"year": 2025, "financing": "PLAI"})
    assert page.status_code == 200
    assert len([f for f in page.context["form"].fields if f.startswith("amount_")]) == 21
    page = operator.get(URL, {"year": 2027, "financing": "PLI"})
    assert len([f for f in page.context["form"].fields if f.startswith("amount_")]) == 35
    assert "Zone A bis" in page.content.decode()


def test_entering_plai_2024_stores_21_amounts_once_with_one_audit_event(operator):
    response = operator.post(f"{URL}?year=2024&financing=PLAI", post_data(PLAI_2024))
    assert response.status_code == 302
    assert IncomeCeiling.objects.filter(year=2024, financing="PLAI").count() == 21
    assert ceiling_table(2024, "PLAI", "autres_regions")[3] == 21_818
    assert ceiling_table(2024, "PLAI", "paris_limitrophes")[7] == 4_998
    events = AuditEvent.objects.filter(action="income_ceilings.entered")
    assert events.count() == 1
    assert events.get().changes["amounts"]["autres_regions/3"] == [None, 21_818]
    # The same table again (a double submit): nothing changes, no second event.
    operator.post(f"{URL}?year=2024&financing=PLAI", post_data(PLAI_2024))
    assert events.count() == 1
    assert IncomeCeiling.objects.filter(year=2024, financing="PLAI").count() == 21


def test_french_typing_is_accepted(operator):
    data = post_data(PLAI_2024, amount_autres_regions_1="12\u202f452 €")
    assert operator.post(f"{URL}?year=2024&financing=PLAI", data).status_code == 302
    assert ceiling_table(2024, "PLAI", "autres_regions")[1] == 12_452


def test_an_incomplete_or_decreasing_table_changes_nothing(operator):
    data = post_data(PLAI_2024, amount_ile_de_france_4="", amount_paris_limitrophes_2="218805")
    response = operator.post(f"{URL}?year=2024&financing=PLAI", data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["amount_ile_de_france_4"] == [
        "Reste de l'Île-de-France, catégorie 4 : manquant."
    ]
    assert "faute de frappe" in form.errors["amount_paris_limitrophes_3"][0]
    assert not IncomeCeiling.objects.exists()
    assert not AuditEvent.objects.filter(action="income_ceilings.entered").exists()


def test_pli_table_by_abc_zone(operator):
    data = post_data(PLI_2023, source="annex III CGI, art. 2 terdecies D, leases of 2023")
    assert operator.post(f"{URL}?year=2023&financing=PLI", data).status_code == 302
    assert ceiling_table(2023, "PLI", "b1")[3] == 54_785
    assert ceiling_table(2023, "PLI", "abis")[7] == 14_603


def test_correcting_a_stored_table_records_old_and_new(operator):
    operator.post(f"{URL}?year=2024&financing=PLAI", post_data(PLAI_2024))
    data = post_data(PLAI_2024, amount_autres_regions_6="32011")
    operator.post(f"{URL}?year=2024&financing=PLAI", data)
    event = AuditEvent.objects.filter(action="income_ceilings.entered").latest("sequence")
    assert event.changes["amounts"] == {"autres_regions/6": [32_010, 32_011]}
    assert event.changes["updated"] == 1


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.ALLOCATION_OFFICER])
def test_landlord_roles_cannot_enter_tables(member_factory, role):
    _user, client = member_factory(role)
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}?year=2024&financing=PLAI", post_data(PLAI_2024)).status_code == 403
    assert not IncomeCeiling.objects.exists()


def test_staff_without_the_permissions_and_anonymous_visitors(client, db):
    assert client.get(URL).status_code == 302  # to the login page
    staff = UserFactory(is_staff=True)
    login_with_totp(client, staff, add_totp(staff))
    assert client.get(URL).status_code == 403
