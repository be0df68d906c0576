"""French administrative reference data: regions, départements, EPCIs and communes.

The data comes from the npm package ``@etalab/decoupage-administratif`` (Licence Ouverte).
A compact CSV extract lives in ``data/geo`` (see docs/decisions/0002-geo-reference-data.md):
``refresh_geo_extract`` rewrites it from a new package version, ``load_geo`` upserts it
into the database.
"""

import csv
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction

from relais.core.search import compact

GEO_DIR = Path(__file__).parent / "data" / "geo"
NPM_PACKAGE = "@etalab/decoupage-administratif"
ADJOINING_FILE = "paris_adjoining.csv"
COLUMNS = {
    "regions": ["code", "name"],
    "departements": ["code", "name", "region"],
    "epcis": ["code", "name", "nature"],
    "communes": ["code", "name", "departement", "region", "epci", "postcodes", "population"],
}
BATCH_SIZE = 2000

# Values of Zone (relais.housing.models); repeated here so that the extract tooling does
# not need the app registry.
PARIS_ADJOINING = "paris_limitrophes"
ILE_DE_FRANCE = "ile_de_france"
OTHER_REGIONS = "autres_regions"
ILE_DE_FRANCE_REGION = "11"


class GeoDataError(RuntimeError):
    """The reference data cannot be fetched, or is inconsistent with our own lists."""


def commune_zone(code: str, region_code: str, adjoining: frozenset[str]) -> str:
    """Zone of the HLM income ceilings (arrêté du 29 juillet 1987) for a commune."""
    if code in adjoining:
        return PARIS_ADJOINING
    if region_code == ILE_DE_FRANCE_REGION:
        return ILE_DE_FRANCE
    return OTHER_REGIONS


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_adjoining(data_dir: Path = GEO_DIR) -> frozenset[str]:
    """INSEE codes of Paris and its adjoining communes (hand-maintained list)."""
    return frozenset(row["code"] for row in read_rows(data_dir / ADJOINING_FILE))


# --- Database load -------------------------------------------------------------------------


def load_geo(data_dir: Path = GEO_DIR) -> dict[str, int]:
    """Upsert the extract into the database; returns the number of rows per model.

    Idempotent: rows are matched on their code and updated in place. Codes that vanished
    from the extract (merged communes, dissolved EPCIs) are kept, because housing records
    may still point at them (``on_delete=PROTECT``).
    """
    # Imported here so that refresh_geo_extract works without a configured Django.
    from .models import Commune, Departement, Epci, Region

    rows = {name: read_rows(data_dir / f"{name}.csv") for name in COLUMNS}
    adjoining = read_adjoining(data_dir)
    regions = [Region(code=r["code"], name=r["name"]) for r in rows["regions"]]
    departements = [
        Departement(code=r["code"], name=r["name"], region_id=r["region"])
        for r in rows["departements"]
    ]
    epcis = [Epci(code=r["code"], name=r["name"], nature=r["nature"]) for r in rows["epcis"]]
    communes = [_commune(Commune, r, adjoining) for r in rows["communes"]]
    with transaction.atomic():
        _upsert(Region, regions, ["name"])
        _upsert(Departement, departements, ["name", "region"])
        _upsert(Epci, epcis, ["name", "nature"])
        _upsert(
            Commune,
            communes,
            ["name", "search_name", "departement", "epci", "postcodes", "population", "zone"],
        )
    return {
        "regions": len(regions),
        "departements": len(departements),
        "epcis": len(epcis),
        "communes": len(communes),
    }


def _commune(model, row: dict[str, str], adjoining: frozenset[str]):
    return model(
        code=row["code"],
        name=row["name"],
        search_name=compact(row["name"]),  # see housing.search
        departement_id=row["departement"],
        epci_id=row["epci"] or None,
        postcodes=row["postcodes"],
        population=int(row["population"]) if row["population"] else None,
        zone=commune_zone(row["code"], row["region"], adjoining),
    )


def _upsert(model, objs: list, update_fields: list[str]) -> None:
    model.objects.bulk_create(
        objs,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=update_fields,
    )


# --- Extract refresh -----------------------------------------------------------------------


def refresh_geo_extract(version: str | None = None, data_dir: Path = GEO_DIR) -> dict[str, int]:
    """Rewrite the CSV extract and SOURCE.md from the npm package; returns rows per file.

    ``paris_adjoining.csv`` is maintained by hand and left alone, but every code in it
    must still be a current commune: a merger would otherwise silently move households
    into the wrong income-ceiling zone. Nothing is written if that check fails.
    """
    spec = f"{NPM_PACKAGE}@{version}" if version else NPM_PACKAGE
    with tempfile.TemporaryDirectory(prefix="relais-geo-") as tmp:
        archive = _npm_pack(spec, Path(tmp))
        package_version, raw = _read_package(archive)
    tables = build_tables(raw)
    _check_adjoining(read_adjoining(data_dir), {row[0] for row in tables["communes"]})
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        _write_csv(data_dir / f"{name}.csv", COLUMNS[name], table)
    _write_source(data_dir, package_version)
    return {name: len(table) for name, table in tables.items()}


def _npm_pack(spec: str, dest: Path) -> Path:
    """Download the package tarball with ``npm pack`` (no install, no scripts run)."""
    npm = shutil.which("npm")
    if npm is None:
        raise GeoDataError("npm is not installed; it is needed to fetch " + NPM_PACKAGE)
    result = subprocess.run(
        [npm, "pack", spec, "--ignore-scripts"],
        cwd=dest,
        capture_output=True,
        text=True,
        check=False,
    )
    archives = sorted(dest.glob("*.tgz"))
    if result.returncode != 0 or len(archives) != 1:
        raise GeoDataError(f"npm pack {spec} failed: {result.stderr.strip()}")
    return archives[0]


def _read_package(archive: Path) -> tuple[str, dict[str, list]]:
    """Version and JSON data files of the tarball, read in memory (nothing extracted)."""
    with tarfile.open(archive, "r:gz") as tar:

        def load(member: str):
            handle = tar.extractfile(f"package/{member}")
            if handle is None:
                raise GeoDataError(f"{member} missing from {archive.name}")
            return json.load(handle)

        version = load("package.json")["version"]
        names = ("regions", "departements", "epci", "communes")
        return version, {name: load(f"data/{name}.json") for name in names}


def build_tables(raw: dict[str, list]) -> dict[str, list[list[str]]]:
    """Turn the package's JSON into sorted CSV rows (see COLUMNS for the layout)."""
    epci_of = {m["code"]: e["code"] for e in raw["epci"] for m in e["membres"]}
    communes = [c for c in raw["communes"] if c["type"] == "commune-actuelle"]
    tables = {
        "regions": [[r["code"], r["nom"]] for r in raw["regions"]],
        "departements": [[d["code"], d["nom"], d["region"]] for d in raw["departements"]],
        "epcis": [[e["code"], e["nom"], e.get("type", "")] for e in raw["epci"]],
        "communes": [
            [
                c["code"],
                c["nom"],
                c["departement"],
                c["region"],
                epci_of.get(c["code"], ""),
                " ".join(c.get("codesPostaux", [])),
                "" if c.get("population") is None else str(c["population"]),
            ]
            for c in communes
        ],
    }
    return {name: sorted(table) for name, table in tables.items()}


def _check_adjoining(adjoining: frozenset[str], commune_codes: set[str]) -> None:
    missing = sorted(adjoining - commune_codes)
    if missing:
        raise GeoDataError(
            f"{ADJOINING_FILE} lists codes that are no longer current communes: "
            f"{', '.join(missing)}. Update it (see paris_adjoining.md) and refresh again."
        )


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def source_markdown(version: str, extracted_on: date) -> str:
    return f"""# Source of the geographic reference data

- Package: [`{NPM_PACKAGE}`](https://www.npmjs.com/package/{NPM_PACKAGE}) \
version **{version}** (<https://github.com/datagouv/decoupage-administratif>)
- Licence of the data: [Licence Ouverte / Open Licence 2.0](https://www.etalab.gouv.fr/licence-ouverte-open-licence)
  (Etalab; the package's code is MIT). Upstream sources: INSEE (COG, populations
  légales), DGCL (EPCI), La Poste (postcodes).
- Extracted on: {extracted_on.isoformat()}

## Files

- `regions.csv` (code,name): regions, incl. overseas regions and COM.
- `departements.csv` (code,name,region): départements, and COM.
- `epcis.csv` (code,name,nature): EPCIs à fiscalité propre; code = SIREN,
  nature = CC, CA, CU, METRO or MET69.
- `communes.csv` (code,name,departement,region,epci,postcodes,population): current
  communes only (`commune-actuelle`), France and overseas; postcodes space-separated;
  epci and population may be empty.
- `paris_adjoining.csv` (code,name): **maintained by hand**, see `paris_adjoining.md`.

UTF-8, `\\n` line endings, sorted by code.

## Refresh

```sh
python manage.py refresh_geo               # latest version (needs npm)
python manage.py refresh_geo --package-version X.Y.Z
python manage.py load_geo                  # upsert into the database
```

`refresh_geo` rewrites the four CSVs and this file, but not `paris_adjoining.csv`; it
fails without writing anything if a code of that list is no longer a current commune.
Review the diff (mergers, renamings) before committing.
"""


def _write_source(data_dir: Path, version: str) -> None:
    (data_dir / "SOURCE.md").write_text(source_markdown(version, date.today()), encoding="utf-8")
