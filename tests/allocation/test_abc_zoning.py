"""The commune → A/B/C zone table (PLI zoning): the shipped data and its loader."""

import csv

import pytest

from relais.allocation.eligibility.zoning import DATA_FILE, AbcZoneFileError, load_abc_zones
from relais.allocation.models import CommuneAbcZone
from relais.core.models import AuditEvent

from .factories_eligibility import commune


def test_the_shipped_zoning_has_the_known_communes():
    with DATA_FILE.open(encoding="utf-8") as handle:
        zones = {row["code"]: row["zone"] for row in csv.DictReader(handle)}
    assert len(zones) == 34_935
    assert zones["37261"] == "b1"  # Tours
    assert zones["37122"] == "b1"  # Joué-lès-Tours
    assert zones["75056"] == "abis"  # Paris
    assert zones["92012"] == "abis"  # Boulogne-Billancourt
    assert set(zones.values()) == {"abis", "a", "b1", "b2", "c"}


def test_load_is_idempotent_and_skips_unknown_communes(db):
    for code in ("37261", "75056"):
        commune(code)
    counts = load_abc_zones()
    assert counts["created"] == 2 and counts["unknown"] == 34_933
    assert dict(CommuneAbcZone.objects.values_list("commune_id", "zone")) == {
        "37261": "b1",
        "75056": "abis",
    }
    assert load_abc_zones()["created"] == 0
    assert AuditEvent.objects.filter(action="abc_zones.loaded").count() == 1


def test_a_bad_file_changes_nothing(db, tmp_path):
    commune("37261")
    path = tmp_path / "zones.csv"
    path.write_text("code,zone\n37261,B1\n37261,b1\n", encoding="utf-8")
    with pytest.raises(AbcZoneFileError) as error:
        load_abc_zones(path)
    assert len(error.value.errors) == 2  # "B1" is not a zone value; the code twice
    assert not CommuneAbcZone.objects.exists()
