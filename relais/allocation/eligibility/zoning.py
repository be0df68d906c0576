"""The commune → A bis / A / B1 / B2 / C zone table used by the PLI ceilings, as data.

``data/abc_zones.csv`` (``code,zone``, zone ``abis``, ``a``, ``b1``, ``b2`` or ``c``) is the
zoning in force since 5 July 2024 (ministry of housing, DGALN; Licence Ouverte), taken from
the copy carried by openfisca-france 176.1.8 (``assets/zonage-communes``). ``load_abc_zones``
upserts it into ``CommuneAbcZone``; codes of communes Relais does not know (merged since)
are counted and skipped. A commune without a row has no PLI ceiling: eligibility says so.
See docs/eligibility.md and docs/decisions/0026-ceilings-entry-and-territories.md.
"""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from relais.core import audit
from relais.housing.models import Commune

from ..models import CommuneAbcZone
from .rules import AbcZone

DATA_FILE = Path(__file__).parent.parent / "data" / "abc_zones.csv"
COLUMNS = ["code", "zone"]
BATCH_SIZE = 2000


class AbcZoneFileError(ValueError):
    """The zoning file is invalid; ``errors`` names each bad line. Nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def read_abc_zones(path: Path) -> dict[str, str]:
    """Parse and check the whole file: INSEE code → zone value."""
    zones, errors = {}, []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise AbcZoneFileError([_("Line 1: the columns must be code,zone.")])
        for row in reader:
            code, zone = (row["code"] or "").strip(), (row["zone"] or "").strip()
            if zone not in AbcZone.values or not code:
                errors.append(
                    _("Line %(line)s: « %(zone)s » is not a zone (abis, a, b1, b2, c).")
                    % {"line": reader.line_num, "zone": zone}
                )
            elif code in zones:
                errors.append(
                    _("Line %(line)s: the commune %(code)s appears twice.")
                    % {"line": reader.line_num, "code": code}
                )
            zones[code] = zone
    if errors:
        raise AbcZoneFileError(errors)
    return zones


def load_abc_zones(path: Path | None = None) -> dict[str, int]:
    """Upsert the zoning file (``DATA_FILE`` by default); idempotent, one audit event on change.

    Returns ``created``, ``updated``, ``unchanged`` and ``unknown`` (codes with no commune).
    """
    path = Path(path or DATA_FILE)
    zones = read_abc_zones(path)
    known = set(Commune.objects.filter(code__in=zones).values_list("code", flat=True))
    with transaction.atomic():
        existing = dict(CommuneAbcZone.objects.values_list("commune_id", "zone"))
        created = [
            CommuneAbcZone(commune_id=code, zone=zone)
            for code, zone in zones.items()
            if code in known and code not in existing
        ]
        updated = [
            CommuneAbcZone(commune_id=code, zone=zone)
            for code, zone in zones.items()
            if code in existing and existing[code] != zone
        ]
        CommuneAbcZone.objects.bulk_create(created, batch_size=BATCH_SIZE)
        CommuneAbcZone.objects.bulk_update(updated, ["zone"], batch_size=BATCH_SIZE)
        counts = {
            "created": len(created),
            "updated": len(updated),
            "unchanged": len(known) - len(created) - len(updated),
            "unknown": len(zones) - len(known),
        }
        if created or updated:
            audit.record(action="abc_zones.loaded", object_repr=path.name, changes=counts)
    return counts
