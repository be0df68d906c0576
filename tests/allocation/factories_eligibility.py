"""Communes of the four zone examples, created without loading the whole geographic extract."""

from relais.housing.models import Zone

from ..factories import CommuneFactory, DepartementFactory, EpciFactory, RegionFactory

# code → (name, département code, département name, region code, region name, zone)
COMMUNES = {
    "37261": ("Tours", "37", "Indre-et-Loire", "24", "Centre-Val de Loire", Zone.OTHER),
    "75056": ("Paris", "75", "Paris", "11", "Île-de-France", Zone.PARIS_ADJOINING),
    "92012": (
        "Boulogne-Billancourt",
        "92",
        "Hauts-de-Seine",
        "11",
        "Île-de-France",
        Zone.PARIS_ADJOINING,
    ),
    "78646": ("Versailles", "78", "Yvelines", "11", "Île-de-France", Zone.ILE_DE_FRANCE),
}


def commune(code: str):
    """One of ``COMMUNES``, with its département and region."""
    name, dep_code, dep_name, region_code, region_name, zone = COMMUNES[code]
    region = RegionFactory(code=region_code, name=region_name)
    departement = DepartementFactory(code=dep_code, name=dep_name, region=region)
    return CommuneFactory(
        code=code,
        name=name,
        departement=departement,
        epci=EpciFactory(code=f"9{code}000", name=f"EPCI {name}"),
        zone=zone,
    )
