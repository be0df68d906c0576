"""Helpers for the API tests: a small seeded stock and members' API keys."""

from relais.core.roles import Role
from relais.core.services import api_key_create
from tests.factories import (
    BuildingFactory,
    DwellingFactory,
    HouseholdFactory,
    LeaseFactory,
    MembershipFactory,
    OccupantFactory,
    ResidenceFactory,
)


def make_stock(organisation) -> dict:
    """A residence, its building, two dwellings (one let) and two households.

    Returns one row per API entity: the residence, the building, the let dwelling and its
    household (two occupants, one of them vulnerable).
    """
    residence = ResidenceFactory(organisation=organisation)
    building = BuildingFactory(residence=residence)
    let = DwellingFactory(building=building, typology="T2", financing="PLAI")
    DwellingFactory(building=building, typology="T4", financing="PLUS")
    lease = LeaseFactory(dwelling=let)
    OccupantFactory(household=lease.household, vulnerable=True)
    OccupantFactory(household=lease.household, first_name="Paul", is_holder=False)
    HouseholdFactory(organisation=organisation, name="Famille Dupont")
    return {
        "residences": residence,
        "buildings": building,
        "dwellings": let,
        "households": lease.household,
    }


def api_key_for(organisation, role=Role.DIRECTOR) -> str:
    """The clear API key of a new member of ``organisation`` with ``role``."""
    membership = MembershipFactory(organisation=organisation, role=role)
    _api_key, key = api_key_create(organisation=organisation, actor=membership.user, name="test")
    return key
