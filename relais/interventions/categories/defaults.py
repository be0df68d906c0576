"""The category tree a new organisation starts with (issue 8 §2), then edits.

Whitelisted for "urgent interventions only": what landlords kept during the spring 2020
lockdown — fire safety, access control, fluids (water, gas, electricity, heating) and lifts,
and the building's security (doors and locks); DOMAIN.md §4, seed 000 ("le secours incendie,
les contrôles d'accès, la gestion des fluides"). Drains count with the water: a blocked soil
pipe in an occupied home cannot wait two months.
"""

from django.utils.translation import gettext_lazy as _

from ..models import Priority

S, U, N = Priority.SAFETY, Priority.URGENT, Priority.NORMAL

# (family code, family name, [(code, name, default priority, whitelisted)])
DEFAULT_TREE = [
    (
        "securite",
        _("Safety"),
        [
            ("fire_safety", _("Fire safety (alarm, extinguisher, smoke vent)"), S, True),
            ("gas", _("Gas (smell, leak, boiler shut down)"), S, True),
            ("electricity", _("Electricity (power cut, exposed wires)"), U, True),
        ],
    ),
    (
        "acces",
        _("Access and building security"),
        [
            ("access_control", _("Access control and entry phone"), U, True),
            ("doors_locks", _("Doors and locks"), U, True),
            ("lifts", _("Lift"), U, True),
        ],
    ),
    (
        "eau",
        _("Water, heating and drains"),
        [
            ("water_leak", _("Water leak"), U, True),
            ("heating", _("Heating and hot water"), U, True),
            ("drains", _("Drains and toilets blocked"), U, True),
        ],
    ),
    (
        "cadre",
        _("Living environment"),
        [
            ("common_areas", _("Common areas (cleaning, lighting, bins)"), N, False),
            ("pests", _("Pests (cockroaches, bedbugs, rodents)"), N, False),
            ("other", _("Other problem"), N, False),
        ],
    ),
]
