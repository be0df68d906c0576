"""The account table ``seed_demo`` prints: every demo account (the extensions' too, such as
the reservation holders'), each under the organisation it really belongs to."""

import io

import pytest

from relais.core.roles import Role
from relais.housing.demo.accounts import EMAIL_DOMAIN
from relais.housing.management.commands.seed_demo import Command

from ..factories import FederationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _account(username, organisation, role):
    return MembershipFactory(
        organisation=organisation,
        role=role,
        user__username=username,
        user__email=f"{username}@{EMAIL_DOMAIN}",
    )


def test_the_account_table_names_each_accounts_real_organisation():
    federation = FederationFactory(name="USH Centre-Val de Loire")
    tours = OrganisationFactory(name="Tours Habitat", federation=federation)
    prefecture = OrganisationFactory(name="Préfecture d'Indre-et-Loire (DDETS)")
    _account("manager", tours, Role.MANAGER)
    _account("federation", tours, Role.FEDERATION_ANALYST)
    _account("prefecture", prefecture, Role.RESERVATION_HOLDER)
    MembershipFactory(organisation=tours, role=Role.MANAGER, user__username="someone")
    out = io.StringIO()
    command = Command(stdout=out)
    command.print_accounts()
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[4:] if line}
    assert set(lines) == {"manager", "federation", "prefecture"}
    assert "Tours Habitat" in lines["manager"]
    assert "USH Centre-Val de Loire" in lines["federation"]
    assert "Tours Habitat" not in lines["federation"]
    assert "Préfecture d'Indre-et-Loire (DDETS)" in lines["prefecture"]
