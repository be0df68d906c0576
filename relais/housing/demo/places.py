"""Real communes of Centre-Val de Loire, picked in proportion to their population."""

from dataclasses import dataclass
from itertools import accumulate

from ..models import Commune
from .scales import REGION_DEPARTEMENTS

HOME_SHARE = 0.8  # share of a landlord's residences in its home département
MIN_POPULATION = 300  # villages smaller than this get no demo stock
CITY, TOWN = 20_000, 5_000


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    departement: str
    epci: str | None
    postcodes: tuple[str, ...]
    population: int

    @property
    def postcode(self) -> str:
        """The commune's principal postcode (the first of the geographic data's, « 37000 » for
        Tours): every demo address in the commune carries it, buildings, agencies and
        applicants alike, so neighbours never differ."""
        return self.postcodes[0]

    @property
    def size(self) -> str:
        if self.population >= CITY:
            return "city"
        return "town" if self.population >= TOWN else "village"


def weight(place: Place) -> float:
    """Social housing is more urban than the population: cities weigh more, villages less."""
    factor = {"city": 1.3, "town": 1.0, "village": 0.5}[place.size]
    return place.population * factor


class Places:
    def __init__(self, places: list[Place]):
        if not places:
            raise ValueError("no communes of Centre-Val de Loire: load the geographic data")
        self.all = places
        self._cum_all = list(accumulate(weight(p) for p in places))
        self.by_departement: dict[str, list[Place]] = {}
        for place in places:
            self.by_departement.setdefault(place.departement, []).append(place)
        self._cum = {
            code: list(accumulate(weight(p) for p in group))
            for code, group in self.by_departement.items()
        }

    @classmethod
    def load(cls) -> "Places":
        rows = (
            Commune.objects.filter(
                departement_id__in=REGION_DEPARTEMENTS, population__gte=MIN_POPULATION
            )
            .exclude(postcodes="")
            .order_by("code")
            .values_list("code", "name", "departement_id", "epci_id", "postcodes", "population")
        )
        return cls(
            [
                Place(code, name, dep, epci, tuple(pcs.split()), pop)
                for code, name, dep, epci, pcs, pop in rows
            ]
        )

    def pick(self, rng, home: str) -> Place:
        if rng.random() < HOME_SHARE and home in self.by_departement:
            return rng.choices(self.by_departement[home], cum_weights=self._cum[home])[0]
        return rng.choices(self.all, cum_weights=self._cum_all)[0]

    def largest(self, departement: str, count: int) -> list[Place]:
        group = self.by_departement.get(departement) or self.all
        return sorted(group, key=lambda p: (-p.population, p.code))[:count]
