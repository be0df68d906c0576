"""How big the demo is: which landlords, how many dwellings each, in which département.

Sizes and home départements are invented (plausible from the landlords' names, nothing
more); the region total matches the 195,726 social dwellings of Centre-Val de Loire.
"""

from dataclasses import dataclass

FEDERATION_NAME = "USH Centre-Val de Loire"
FEDERATION_SLUG = "ush-centre-val-de-loire"
REGION_DEPARTEMENTS = ("18", "28", "36", "37", "41", "45")
TOURS_HABITAT = "Tours Habitat"
SCALIS = "Scalis"

# Landlord name → (home département, dwellings at region scale). Invented.
PROFILES: dict[str, tuple[str, int]] = {
    # A few big ones (15–25k)…
    "Val Touraine Habitat": ("37", 22_000),
    TOURS_HABITAT: ("37", 19_000),
    "Valloire Habitat": ("45", 18_000),
    "France Loire": ("45", 17_000),
    "Eure&Loir Habitat": ("28", 16_000),
    "Terres de Loire Habitat": ("41", 15_500),
    # …some medium-sized ones…
    "Val de Berry": ("18", 8_500),
    SCALIS: ("36", 7_500),
    "Les résidences de l'Orléanais": ("45", 7_000),
    "OPAC 36": ("36", 6_500),
    "LogemLoiret": ("45", 6_000),
    "Chartres Métropole Habitat": ("28", 5_500),
    "3F Centre Val de Loire": ("45", 5_000),
    "Loir&Cher Logement": ("41", 4_500),
    "Habitat Eurélien": ("28", 4_000),
    # …and many small ones (1–3k).
    "Touraine Logement": ("37", 2_900),
    "Ligeris": ("37", 2_800),
    "CDC Habitat Social": ("37", 2_600),
    "Habitat Drouais": ("28", 2_400),
    "ICF Habitat Atlantique": ("37", 2_200),
    "La Ruche Habitat": ("45", 2_000),
    "OPH du Grand Châteaudun": ("28", 1_900),
    "Logis Cœur de France": ("18", 1_800),
    "Pierres et Lumières": ("41", 1_700),
    "Le Foyer d'Eure-et-Loir": ("28", 1_600),
    "Ficosil": ("41", 1_500),
    "Procivis Berry": ("18", 1_400),
    "La Roseraie": ("18", 1_300),
    "Nogent Perche Habitat": ("28", 1_300),
    "COGECO": ("45", 1_200),
    "Procivis Eure-et-Loir": ("28", 1_200),
    "Coopérative Indre-et-Loire": ("37", 1_100),
    "Coopérative Vie & Lumière": ("36", 1_100),
    "COOPEA": ("41", 1_000),
    "SIAP": ("36", 1_000),
}


@dataclass(frozen=True)
class Scale:
    name: str
    help: str
    # Landlord name → dwellings; None means every member at its region size.
    sizes: dict[str, int] | None

    def dwellings_for(self, members: list[str]) -> dict[str, int]:
        if self.sizes is None:
            return {name: PROFILES[name][1] for name in members}
        return {name: size for name, size in self.sizes.items() if name in members}


SCALES = {
    scale.name: scale
    for scale in (
        Scale(
            "tiny",
            "2 landlords, ~300 dwellings (for tests)",
            {TOURS_HABITAT: 180, SCALIS: 120},
        ),
        Scale(
            "small",
            "6 landlords, ~10,000 dwellings",
            {
                TOURS_HABITAT: 2_800,
                SCALIS: 2_000,
                "Valloire Habitat": 1_800,
                "Habitat Eurélien": 1_400,
                "Loir&Cher Logement": 1_100,
                "Val de Berry": 900,
            },
        ),
        Scale("region", "all 35 members, ~196,000 dwellings", None),
    )
}
