"""Issue 19 §4: caretakers, read-only members and accountants do not see housing benefits.

The household's lease carries a housing benefit of 200,50 €; only the roles with
``lease.view_benefit`` see it, in the household page, the leases export and the API.
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from relais.core.roles import ABILITY_ROLES, Role

from ..api.factories import api_key_for
from ..factories import LeaseFactory

pytestmark = pytest.mark.django_db

AMOUNT = "200,50"
HIDDEN_FROM = [Role.CARETAKER, Role.READ_ONLY, Role.ACCOUNTANT]


@pytest.fixture
def lease(organisation):
    return LeaseFactory(
        dwelling__building__residence__organisation=organisation, housing_benefit_cents=20050
    )


def test_the_ability_leaves_out_the_three_roles():
    assert not set(HIDDEN_FROM) & ABILITY_ROLES["lease.view_benefit"]


@pytest.mark.parametrize("role", HIDDEN_FROM)
def test_the_household_page_hides_the_benefit(member_factory, lease, role):
    _user, client = member_factory(role)

    page = client.get(lease.household.get_absolute_url())

    assert page.status_code == 200
    body = page.content.decode()
    assert lease.reference in body
    assert AMOUNT not in body and "APL (tiers payant)" not in body


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.CUSTOMER_OFFICER])
def test_those_who_need_it_see_it(member_factory, lease, role):
    _user, client = member_factory(role)
    body = client.get(lease.household.get_absolute_url()).content.decode()
    assert f"{AMOUNT}\u00a0€" in body


def export_header(client) -> list[str]:
    response = client.get(reverse("housing:export", args=["leases", "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_accountant_exports_leases_without_the_benefit(member_factory, lease):
    _user, accountant = member_factory(Role.ACCOUNTANT)
    _user, manager = member_factory(Role.MANAGER)

    assert "housing_benefit" not in export_header(accountant)
    assert "housing_benefit" in export_header(manager)


@pytest.mark.parametrize("role", HIDDEN_FROM)
def test_the_api_never_carries_the_benefit(organisation, lease, role):
    key = api_key_for(organisation, role)
    response = Client().get(
        f"/api/v1/households/{lease.household_id}", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    assert "benefit" not in response.content.decode()
