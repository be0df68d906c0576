import csv
import io
import json
import shutil
import tarfile

import pytest

from relais.housing import geo
from relais.housing.models import Commune, Departement, Epci, Region, Zone


def read_codes(name):
    with (geo.GEO_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_every_adjoining_code_is_a_current_commune():
    adjoining = read_codes(geo.ADJOINING_FILE)
    assert len(adjoining) == len(set(adjoining)) == 30
    assert set(adjoining) <= set(read_codes("communes.csv"))


def test_extract_is_sorted_and_uses_lf_line_endings():
    for name in geo.COLUMNS:
        raw = (geo.GEO_DIR / f"{name}.csv").read_bytes()
        assert b"\r" not in raw
        codes = read_codes(f"{name}.csv")
        assert codes == sorted(set(codes))


def test_zone_constants_match_the_model_choices():
    assert {geo.PARIS_ADJOINING, geo.ILE_DE_FRANCE, geo.OTHER_REGIONS} == set(Zone.values)


def test_commune_zone():
    adjoining = frozenset({"75056", "92012"})
    assert geo.commune_zone("92012", "11", adjoining) == Zone.PARIS_ADJOINING
    assert geo.commune_zone("78646", "11", adjoining) == Zone.ILE_DE_FRANCE
    assert geo.commune_zone("37261", "24", adjoining) == Zone.OTHER


@pytest.mark.django_db
def test_load_geo():
    counts = geo.load_geo()

    assert counts == {
        "regions": Region.objects.count(),
        "departements": Departement.objects.count(),
        "epcis": Epci.objects.count(),
        "communes": Commune.objects.count(),
    }
    assert counts["communes"] > 34_000
    tours = Commune.objects.select_related("departement__region", "epci").get(code="37261")
    assert tours.name == "Tours"
    assert tours.departement.code == "37"
    assert tours.departement.region.code == "24"
    assert tours.epci.name == "Tours Métropole Val de Loire"
    assert "37000" in tours.postcodes.split()
    assert tours.population > 100_000
    assert tours.zone == Zone.OTHER
    zones = dict(
        Commune.objects.filter(code__in=["75056", "92012", "78646"]).values_list("code", "zone")
    )
    assert zones == {
        "75056": Zone.PARIS_ADJOINING,
        "92012": Zone.PARIS_ADJOINING,
        "78646": Zone.ILE_DE_FRANCE,
    }
    assert Commune.objects.get(code="75056").epci.name == "Métropole du Grand Paris"
    assert Commune.objects.filter(zone=Zone.PARIS_ADJOINING).count() == 30


@pytest.mark.django_db
def test_load_geo_is_idempotent():
    first = geo.load_geo()
    Commune.objects.filter(code="37261").update(name="Changed", zone=Zone.ILE_DE_FRANCE)

    second = geo.load_geo()

    assert second == first
    assert Commune.objects.count() == first["communes"]
    assert Region.objects.count() == first["regions"]
    tours = Commune.objects.get(code="37261")
    assert (tours.name, tours.zone) == ("Tours", Zone.OTHER)


# --- refresh_geo_extract, with a fake npm pack ---------------------------------------------

FAKE_PACKAGE = {
    "package.json": {"name": geo.NPM_PACKAGE, "version": "9.9.9"},
    "data/regions.json": [
        {"code": "24", "nom": "Centre-Val de Loire"},
        {"code": "11", "nom": "IDF"},
    ],
    "data/departements.json": [
        {"code": "75", "nom": "Paris", "region": "11"},
        {"code": "37", "nom": "Indre-et-Loire", "region": "24"},
    ],
    "data/epci.json": [
        {
            "code": "243700754",
            "nom": "Tours Métropole",
            "type": "METRO",
            "membres": [{"code": "37261"}],
        }
    ],
    "data/communes.json": [
        {
            "code": "75056",
            "nom": "Paris",
            "type": "commune-actuelle",
            "departement": "75",
            "region": "11",
            "codesPostaux": ["75001", "75002"],
            "population": 2100000,
        },
        {
            "code": "37261",
            "nom": "Tours",
            "type": "commune-actuelle",
            "departement": "37",
            "region": "24",
            "codesPostaux": ["37000"],
        },
        {"code": "37235", "nom": "Old", "type": "commune-deleguee", "departement": "37"},
    ],
}


@pytest.fixture
def fake_npm(monkeypatch):
    def fake_pack(spec, dest):
        archive = dest / "package.tgz"
        with tarfile.open(archive, "w:gz") as tar:
            for member, content in FAKE_PACKAGE.items():
                data = json.dumps(content).encode()
                info = tarfile.TarInfo(f"package/{member}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        fake_pack.spec = spec
        return archive

    monkeypatch.setattr(geo, "_npm_pack", fake_pack)
    return fake_pack


def test_refresh_geo_extract_rewrites_the_csvs(tmp_path, fake_npm):
    (tmp_path / geo.ADJOINING_FILE).write_text("code,name\n75056,Paris\n", encoding="utf-8")

    counts = geo.refresh_geo_extract(version="9.9.9", data_dir=tmp_path)

    assert fake_npm.spec == "@etalab/decoupage-administratif@9.9.9"
    assert counts == {"regions": 2, "departements": 2, "epcis": 1, "communes": 2}
    assert (tmp_path / "communes.csv").read_text(encoding="utf-8") == (
        "code,name,departement,region,epci,postcodes,population\n"
        "37261,Tours,37,24,243700754,37000,\n"
        "75056,Paris,75,11,,75001 75002,2100000\n"
    )
    assert (tmp_path / "regions.csv").read_text(encoding="utf-8") == (
        "code,name\n11,IDF\n24,Centre-Val de Loire\n"
    )
    assert "9.9.9" in (tmp_path / "SOURCE.md").read_text(encoding="utf-8")


def test_refresh_geo_extract_refuses_a_vanished_adjoining_commune(tmp_path, fake_npm):
    shutil.copy(geo.GEO_DIR / geo.ADJOINING_FILE, tmp_path)

    with pytest.raises(geo.GeoDataError, match="92012"):
        geo.refresh_geo_extract(data_dir=tmp_path)

    assert not (tmp_path / "communes.csv").exists()
