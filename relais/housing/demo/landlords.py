"""The federation, its member landlords (real names) and their agencies (invented)."""

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from relais.core.models import AgencyStatus, Federation, Organisation
from relais.core.validators import luhn_valid

from .names import STREETS
from .places import Place, Places
from .rand import below, between, pick
from .scales import FEDERATION_NAME, FEDERATION_SLUG, PROFILES, Scale

MEMBERS_FILE = Path(__file__).resolve().parent.parent / "data" / "federation_members.csv"
FEDERATION_FIELDS = ("id", "name", "slug", "created_at")
ORGANISATION_FIELDS = ("id", "name", "slug", "siren", "federation", "mfa_required", "created_at")


@dataclass
class Landlord:
    id: int
    name: str
    slug: str
    departement: str
    dwellings: int
    agencies: list[tuple[int, Place]] = field(default_factory=list)


def member_names() -> list[str]:
    with MEMBERS_FILE.open(encoding="utf-8", newline="") as handle:
        return [row["name"].strip() for row in csv.DictReader(handle) if row["name"].strip()]


def landlord_slug(name: str) -> str:
    """``slugify`` after spelling out what it would drop: « Loir&Cher », « Cœur », « d'Eure »."""
    spelled = name.replace("&", " et ").replace("œ", "oe").replace("Œ", "Oe").replace("'", " ")
    return slugify(spelled)


def demo_slugs() -> list[str]:
    return [landlord_slug(name) for name in member_names()]


def invented_siren(slug: str) -> str:
    """Nine digits with a valid Luhn check digit, derived from the slug (not a real SIREN)."""
    digest = int(hashlib.sha256(f"relais-demo:{slug}".encode()).hexdigest(), 16)
    stem = f"{2 + digest % 8}{digest // 8 % 10**7:07d}"
    return next(stem + str(check) for check in range(10) if luhn_valid(stem + str(check)))


def write_federation(writer, now) -> int:
    existing = Federation.objects.filter(slug=FEDERATION_SLUG).values_list("pk", flat=True)
    if existing:
        return existing[0]
    table = writer.table(Federation, FEDERATION_FIELDS)
    pk = table.new_id()
    table.append((pk, FEDERATION_NAME, FEDERATION_SLUG, now))
    return pk


def write_landlords(writer, scale: Scale, federation_id: int, now) -> list[Landlord]:
    """One Organisation row per landlord of the scale; existing ones (same slug) are reused."""
    sizes = scale.dwellings_for(member_names())
    slugs = {name: landlord_slug(name) for name in sizes}
    existing = dict(Organisation.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
    table = writer.table(Organisation, ORGANISATION_FIELDS)
    landlords = []
    for name, dwellings in sizes.items():
        slug = slugs[name]
        pk = existing.get(slug)
        if pk is None:
            pk = table.new_id()
            table.append((pk, name, slug, invented_siren(slug), federation_id, False, now))
        landlords.append(Landlord(pk, name, slug, PROFILES[name][0], dwellings))
    return landlords


AGENCY_FIELDS = (
    "id",
    "organisation",
    "name",
    "address",
    "postcode",
    "city",
    "phone",
    "email",
    "public_status",
    "public_message",
    "status_changed_at",
)


def agency_count(dwellings: int) -> int:
    return 1 if dwellings < 2_000 else 2 if dwellings < 6_000 else 3 if dwellings < 15_000 else 4


def write_agencies(table, landlord: Landlord, places: Places, rng) -> None:
    """1–4 agencies in the largest communes of the landlord's home département."""
    offices = places.largest(landlord.departement, agency_count(landlord.dwellings))
    for index, place in enumerate(offices):
        pk = table.new_id()
        street = pick(rng, STREETS)
        table.append(
            (
                pk,
                landlord.id,
                f"Agence {_of(place.name)}" if index else f"Siège – {place.name}",
                f"{between(rng, 1, 60)} {street}",
                place.postcode,
                place.name,
                f"02 61 91 {below(rng, 100):02d} {below(rng, 100):02d}",
                f"agence.{slugify(place.name)}@{landlord.slug}.example",
                AgencyStatus.OPEN.value,
                "",
                None,
            )
        )
        landlord.agencies.append((pk, place))


def _of(name: str) -> str:
    """« de Tours », « d'Orléans »."""
    return f"d'{name}" if name[0] in "AEIOUYÉÈÊÎÔH" else f"de {name}"
