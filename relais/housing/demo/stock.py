"""Residences → buildings → dwellings, with the typology, surface, financing and rent mix."""

from collections import Counter
from decimal import Decimal
from itertools import accumulate

from relais.core.search import compact

from ..search import dwelling_document
from .names import RESIDENCE_NAMES, STREETS
from .places import CITY, Place
from .rand import between, draw, pick

TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5", "T6")
TYPOLOGY_CUM = tuple(accumulate((8, 22, 35, 25, 8, 2)))
# Surface range by typology, in tenths of a square metre.
SURFACE_TENTHS = {
    "T1": (240, 340),
    "T2": (400, 540),
    "T3": (560, 720),
    "T4": (700, 880),
    "T5": (850, 1050),
    "T6": (1000, 1250),
}
FINANCINGS = ("PLAI", "PLUS", "PLS", "PLI")
FINANCING_CUM = tuple(accumulate((15, 70, 10, 5)))
# Monthly rent per square metre, in cents (order of magnitude of the 2025 ceilings, zone 3).
RENT_PER_M2_CENTS = {"PLAI": 520, "PLUS": 585, "PLS": 880, "PLI": 990}
QPV_SHARE, QPV_MIN_POPULATION = 0.15, 10_000
HOUSE_SHARE = {"city": 0.0, "town": 0.15, "village": 0.6}
FLOORS = {"city": (3, 12), "town": (2, 5), "village": (2, 3)}
DOORS = {"city": (2, 6), "town": (2, 4), "village": (2, 3)}
OCCUPANCY = 0.94

RESIDENCE_FIELDS = (
    "id",
    "organisation",
    "reference",
    "name",
    "commune",
    "agency",
    "construction_year",
)
BUILDING_FIELDS = (
    "id",
    "organisation",
    "residence",
    "reference",
    "address",
    "postcode",
    "commune",
    "in_qpv",
    "floors",
    "has_lift",
)
DWELLING_FIELDS = (
    "id",
    "organisation",
    "building",
    "reference",
    "typology",
    "surface",
    "floor",
    "lift",
    "accessible",
    "financing",
    "rent_cents",
    "search",
)


def residence_size(rng, place: Place) -> int:
    if place.size == "city":
        roll = rng.random()
        low, high = (8, 20) if roll < 0.1 else (20, 80) if roll < 0.7 else (80, 220)
        return between(rng, low, high)
    return between(rng, 10, 60) if place.size == "town" else between(rng, 3, 20)


def building_shapes(rng, place: Place, size: int) -> list[tuple[int, int, int]]:
    """Buildings of a residence as (floors, doors per floor, dwellings)."""
    if rng.random() < HOUSE_SHARE[place.size]:
        return [(between(rng, 1, 2), 1, 1) for _ in range(size)]
    shapes, left = [], size
    while left > 0:
        floors, doors = between(rng, *FLOORS[place.size]), between(rng, *DOORS[place.size])
        count = min(floors * doors, left)
        floors = min(floors, -(-count // doors))
        shapes.append((floors, doors, count))
        left -= count
    return shapes


def construction_year(rng, place: Place) -> int:
    if place.population >= CITY:
        return 1955 + int(rng.random() ** 1.6 * 70)
    return 1965 + int(rng.random() * 60)


class StockGenerator:
    """Generates one landlord's stock into the writer's tables; people come from ``occupy``."""

    def __init__(self, tables, landlord, places, rng, occupy):
        self.tables, self.landlord, self.places, self.rng = tables, landlord, places, rng
        self.occupy = occupy
        self.counts = Counter()
        self._surfaces = {}

    def run(self) -> Counter:
        remaining = self.landlord.dwellings
        while remaining > 0:
            place = self.places.pick(self.rng, self.landlord.departement)
            size = min(residence_size(self.rng, place), remaining)
            self.residence(place, size)
            remaining -= size
        return self.counts

    def agency_for(self, place: Place) -> int:
        agencies = self.landlord.agencies
        for key in ("epci", "departement"):
            for pk, office in agencies:
                if getattr(office, key) and getattr(office, key) == getattr(place, key):
                    return pk
        return agencies[0][0]

    def residence(self, place: Place, size: int) -> None:
        rng, table = self.rng, self.tables.residence
        self.counts["residences"] += 1
        pk, reference = table.new_id(), f"R{self.counts['residences']:04d}"
        year = construction_year(rng, place)
        name = f"Résidence {pick(rng, RESIDENCE_NAMES)}"
        table.append(
            (pk, self.landlord.id, reference, name, place.code, self.agency_for(place), year)
        )
        in_qpv = place.population >= QPV_MIN_POPULATION and rng.random() < QPV_SHARE
        street, number = pick(rng, STREETS), between(rng, 1, 120)
        for index, shape in enumerate(building_shapes(rng, place, size), start=1):
            address = f"{number + 2 * (index - 1)} {street}"
            building = (pk, f"{reference}-B{index:02d}", address, name)
            self.building(building, place, in_qpv, year, shape)

    def building(self, building, place, in_qpv, year, shape) -> None:
        """``building``: (residence id, reference, address, residence name)."""
        rng, table = self.rng, self.tables.building
        residence_id, reference, address, residence_name = building
        floors, doors, count = shape
        pk, has_lift = table.new_id(), floors >= 4
        postcode = place.postcode
        table.append(
            (pk, self.landlord.id, residence_id, reference, address, postcode, place.code)
            + (in_qpv, floors, has_lift)
        )
        self.counts["buildings"] += 1
        financing = FINANCINGS[draw(rng, FINANCING_CUM)]
        rate = RENT_PER_M2_CENTS[financing] * (0.85 + 0.2 * (year - 1955) / 70)
        # The dwellings' search column: their reference, then what they share.
        where = dwelling_document("", address, postcode, place.name, residence_name)
        self.dwellings(pk, reference, where, (doors, count, has_lift), financing, rate, year)
        self.tables.flush_full()

    def dwellings(self, building_id, prefix, where, shape, financing, rate, year):
        """``where``: the folded address and residence name; ``shape``: (doors per floor,
        dwellings, lift)."""
        doors, count, lift = shape
        rng, table, org = self.rng, self.tables.dwelling, self.landlord.id
        occupy, surfaces, append = self.occupy, self._surfaces, table.rows.append
        first_id = table.take_ids(count)
        for n in range(count):
            floor, door = divmod(n, doors)
            typology = TYPOLOGIES[draw(rng, TYPOLOGY_CUM)]
            low, high = SURFACE_TENTHS[typology]
            tenths = low + int(rng.random() * (high - low))
            surface = surfaces.get(tenths) or surfaces.setdefault(tenths, _decimal(tenths))
            accessible = rng.random() < (0.055 if floor == 0 or lift else 0.01)
            rent = int(tenths * rate * (0.95 + rng.random() * 0.1)) // 10
            pk = first_id + n
            reference = f"{prefix}-{floor}{door + 1:02d}"
            append(
                (
                    pk,
                    org,
                    building_id,
                    reference,
                    typology,
                    surface,
                    floor,
                    lift,
                    accessible,
                    financing,
                    rent,
                    f"{compact(reference)} {where}",
                )
            )
            if rng.random() < OCCUPANCY:
                occupy(pk, reference, typology, tenths, rent, lift, year)
        self.counts["dwellings"] += count


def _decimal(tenths: int) -> Decimal:
    return Decimal(tenths).scaleb(-1).quantize(Decimal("0.01"))
