"""Shared set-up for the supplies tests: a landlord with one location and staff on site."""

from relais.core.roles import Role
from relais.supplies.models import Location, LocationKind
from relais.supplies.stock.services import items_ensure_defaults, location_save


def make_location(organisation, name="Agence Centre", caretakers=2, officers=0):
    """A location with ``caretakers`` caretakers (2 surgical masks a day each) on site."""
    items_ensure_defaults(organisation)
    return location_save(
        organisation=organisation,
        actor=None,
        location=Location(organisation=organisation, name=name, kind=LocationKind.AGENCY),
        headcount={Role.CARETAKER: caretakers, Role.CUSTOMER_OFFICER: officers},
    )
