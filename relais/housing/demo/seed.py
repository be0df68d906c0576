"""Seed the regional demo: the federation, its landlords, their stock and tenants, accounts.

Rows are generated as tuples with one seeded ``random.Random`` per landlord, then written
with ``executemany`` in one transaction (see ``writer``). One ``demo.seeded`` audit event
per organisation records what was created.
"""

import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from relais.core import audit
from relais.core.models import Agency, Organisation

from ..geo import load_geo
from ..models import Building, Commune, Dwelling, Household, Lease, Occupant, Residence
from .accounts import create_accounts, foreign_usernames
from .contacts import write_contacts
from .errors import DemoAlreadyLoaded, DemoError
from .extensions import registry
from .landlords import AGENCY_FIELDS, Landlord, write_agencies, write_federation, write_landlords
from .people import HOUSEHOLD_FIELDS, LEASE_FIELDS, OCCUPANT_FIELDS, PeopleGenerator
from .places import Places
from .reset import demo_organisations, is_loaded, reset_demo
from .scales import REGION_DEPARTEMENTS, SCALES
from .stock import BUILDING_FIELDS, DWELLING_FIELDS, RESIDENCE_FIELDS, StockGenerator
from .writer import BulkWriter, Table

DEFAULT_SEED = 2020
REGION_COMMUNES = 1_500  # Centre-Val de Loire has about 1,750 communes


@dataclass
class Tables:
    """The insert buffers of the landlord-owned models, parents first."""

    agency: Table
    residence: Table
    building: Table
    dwelling: Table
    household: Table
    occupant: Table
    lease: Table

    @classmethod
    def create(cls, writer) -> "Tables":
        return cls(
            writer.table(Agency, AGENCY_FIELDS),
            writer.table(Residence, RESIDENCE_FIELDS),
            writer.table(Building, BUILDING_FIELDS),
            writer.table(Dwelling, DWELLING_FIELDS),
            writer.table(Household, HOUSEHOLD_FIELDS),
            writer.table(Occupant, OCCUPANT_FIELDS),
            writer.table(Lease, LEASE_FIELDS),
        )

    def flush_full(self) -> None:
        """Write the buffers that reached a chunk (hot loops append to ``rows`` directly)."""
        for table in (self.dwelling, self.household, self.occupant, self.lease):
            table.flush_if_full()


@dataclass
class SeedResult:
    scale: str
    seed: int
    landlords: list[Landlord]
    counts: dict[str, dict[str, int]]  # landlord slug → rows created per kind
    rows: int  # rows written through the bulk writer
    memberships: int
    seconds: dict[str, float] = field(default_factory=dict)  # per step: geo, rows, commit…

    def total(self, kind: str) -> int:
        return sum(counts.get(kind, 0) for counts in self.counts.values())


def seed_demo(*, scale="small", seed=DEFAULT_SEED, reset=False, writer=None) -> SeedResult:
    """Seed the demo in one transaction; raises DemoAlreadyLoaded unless ``reset``."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    writer = writer or BulkWriter()
    clock = Clock()
    with transaction.atomic():
        if foreign := foreign_usernames():
            raise DemoError(
                f"{'user' if len(foreign) == 1 else 'users'} {', '.join(foreign)} "
                f"{'exists and was' if len(foreign) == 1 else 'exist and were'} "
                "not created by the demo; "
                "seed the demo into another database"
            )
        existing = demo_organisations()
        deleted = {}
        if is_loaded(existing):
            if not reset:
                raise DemoAlreadyLoaded()
            for extension in reversed(registry.extensions):
                extension.reset(list(existing))
            deleted = reset_demo(existing)
            clock.lap("reset")
        ensure_geo()
        clock.lap("geo")
        landlords, counts = generate(writer, SCALES[scale], seed, Places.load())
        rows = sum(writer.finish().values())
        write_contacts(landlords, timezone.now())
        clock.lap("rows")
        memberships = create_accounts({landlord.name: landlord.id for landlord in landlords})
        clock.lap("accounts")
        for extension in registry.extensions:
            extra = extension.seed(
                organisation_ids=[landlord.id for landlord in landlords],
                scale=scale,
                seed=seed,
                writer=writer,
            )
            for landlord in landlords:
                counts[landlord.slug].update(extra.get(landlord.id, {}))
            clock.lap(extension.name)
        _audit(landlords, counts, deleted, scale, seed)
        clock.lap("audit")
    clock.lap("commit")
    return SeedResult(scale, seed, landlords, counts, rows, len(memberships), clock.laps)


def ensure_geo() -> None:
    """Load the geographic reference data, unless the region's communes are there already."""
    if Commune.objects.filter(departement_id__in=REGION_DEPARTEMENTS).count() < REGION_COMMUNES:
        load_geo()


class Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self._last = now - self._last, now


def generate(writer, scale, seed, places) -> tuple[list[Landlord], dict[str, dict[str, int]]]:
    now = writer.datetime(timezone.now())
    federation_id = write_federation(writer, now)
    landlords = write_landlords(writer, scale, federation_id, now)
    tables = Tables.create(writer)
    counts = {}
    for landlord in landlords:
        rng = random.Random(f"{seed}:{landlord.slug}")
        write_agencies(tables.agency, landlord, places, rng)
        people = PeopleGenerator(tables, writer, landlord.id, rng, now)
        stock = StockGenerator(tables, landlord, places, rng, people.occupy).run()
        counts[landlord.slug] = {"agencies": len(landlord.agencies), **stock, **people.counts}
    return landlords, counts


def _audit(landlords, counts, deleted, scale, seed) -> None:
    slugs = {landlord.id: landlord.slug for landlord in landlords}
    organisations = Organisation.objects.filter(pk__in=set(slugs) | set(deleted)).order_by("pk")
    for organisation in organisations:
        if organisation.pk in deleted:
            audit.record(
                action="demo.reset",
                organisation=organisation,
                obj=organisation,
                changes={"deleted": deleted[organisation.pk]},
            )
        if organisation.pk in slugs:
            audit.record(
                action="demo.seeded",
                organisation=organisation,
                obj=organisation,
                changes={"scale": scale, "seed": seed, **counts[slugs[organisation.pk]]},
            )
