#!/usr/bin/env python
"""Benchmark of the housing stock import: a 10,000-dwelling file, CSV and XLSX.

    .venv/bin/python bench/imports.py                 # temporary SQLite file
    .venv/bin/python bench/imports.py --rows 100000

Builds a fresh SQLite database in a temporary directory (migrations, one commune, one
organisation), writes a stock file of ``--rows`` dwellings (40 per building, 400 per
residence) as CSV and as XLSX, then times ``housing_import`` (the service the page and the
background task call): a first import of the CSV (everything created), the same CSV again
(nothing changes), and the XLSX into a second organisation (everything created). Prints one
line per run with the wall time and the rows per second.
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "residence_reference",
    "residence_name",
    "building_reference",
    "address",
    "postcode",
    "commune_code",
    "in_qpv",
    "has_lift",
    "floors",
    "dwelling_reference",
    "typology",
    "surface",
    "floor",
    "lift",
    "accessible",
    "financing",
    "rent",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="dwellings in the file")
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rows(count: int):
    for n in range(count):
        yield [
            f"RES{n // 400}",
            f"Résidence {n // 400}",
            f"BAT{n // 40}",
            f"{n // 40} rue Nationale",
            "37000",
            "37261",
            "oui",
            "non",
            "4",
            f"LOG{n:06d}",
            "T3",
            "65,5",
            str(n % 5),
            "non",
            "",
            "PLUS",
            "1 234,56",
        ]


def csv_bytes(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows(count))
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(count: int) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label: str, organisation, name: str, data: bytes, count: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from relais.housing.io.importers import housing_import

    upload = SimpleUploadedFile(name, data)
    started = time.perf_counter()
    result = housing_import(organisation=organisation, actor=None, kind="stock", file=upload)
    elapsed = time.perf_counter() - started
    assert result.ok, [str(error) for error in result.errors[:5]]
    print(
        f"{label:<28} {count:>7} rows  {elapsed:6.2f} s  {count / elapsed:8.0f} rows/s  "
        f"created {result.created}, updated {result.updated}"
    )


def run(args) -> None:
    from relais.core.models import Organisation
    from relais.housing.models import Commune, Departement, Region

    region = Region.objects.create(code="24", name="Centre-Val de Loire")
    departement = Departement.objects.create(code="37", name="Indre-et-Loire", region=region)
    Commune.objects.create(code="37261", name="Tours", departement=departement, zone="")
    first = Organisation.objects.create(name="Bench A", slug="bench-a")
    second = Organisation.objects.create(name="Bench B", slug="bench-b")
    data_csv, data_xlsx = csv_bytes(args.rows), xlsx_bytes(args.rows)
    timed("stock CSV, first import", first, "stock.csv", data_csv, args.rows)
    timed("stock CSV, same file again", first, "stock.csv", data_csv, args.rows)
    timed("stock XLSX, first import", second, "stock.xlsx", data_xlsx, args.rows)


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        setup_django(f"sqlite:///{Path(tmp) / 'imports.sqlite3'}")
        run(args)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
