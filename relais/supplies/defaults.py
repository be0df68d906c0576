"""The items every landlord starts with, their units, and the default use per role and shift.

Rates are units per person per shift on site (one shift a day): a surgical mask lasts 4 hours
(2 a day), FFP2 masks for technicians entering occupied homes, a 500 ml bottle of gel every
20 shifts, visors reused for about 50 shifts.
"""

from decimal import Decimal

from relais.core.roles import Role

from .models import ItemKind, Unit

ITEMS = {
    ItemKind.FFP2_MASK: Unit.PIECE,
    ItemKind.SURGICAL_MASK: Unit.PIECE,
    ItemKind.GEL: Unit.BOTTLE,
    ItemKind.GLOVES: Unit.PAIR,
    ItemKind.VISOR: Unit.PIECE,
    ItemKind.OVERALL: Unit.PIECE,
    ItemKind.DISINFECTANT: Unit.CAN,
}

# Roles whose people are counted on site at a location.
SITE_ROLES = (Role.CARETAKER, Role.TECHNICIAN, Role.CUSTOMER_OFFICER, Role.MANAGER)

D = Decimal
RATES = {
    ItemKind.SURGICAL_MASK: {
        Role.CARETAKER: D(2),
        Role.CUSTOMER_OFFICER: D(2),
        Role.MANAGER: D(2),
    },
    ItemKind.FFP2_MASK: {Role.TECHNICIAN: D(2)},
    ItemKind.GEL: {role: D("0.05") for role in SITE_ROLES},
    ItemKind.GLOVES: {Role.CARETAKER: D(2), Role.TECHNICIAN: D(2)},
    ItemKind.VISOR: {Role.CUSTOMER_OFFICER: D("0.02"), Role.TECHNICIAN: D("0.02")},
    ItemKind.OVERALL: {Role.TECHNICIAN: D("0.5")},
    ItemKind.DISINFECTANT: {Role.CARETAKER: D("0.1")},
}
