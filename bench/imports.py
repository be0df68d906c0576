#!/usr/bin/env python
"""Benchmark of the stock and applications imports: a 10,000-row file, CSV and XLSX.

    .venv/bin/python bench/imports.py                 # temporary SQLite file
    .venv/bin/python bench/imports.py --rows 100000
    .venv/bin/python bench/imports.py --kind applications
    .venv/bin/python bench/imports.py --database var/copy.sqlite3   # an already migrated file

Builds a fresh SQLite database in a temporary directory (migrations; or uses ``--database``,
an SQLite file already migrated, as the tests pass a copy of theirs), one commune, one
organisation, writes a file of ``--rows`` rows as CSV and as XLSX — dwellings (40 per
building, 400 per residence) or applications (``--kind applications``) — then times the
import service the page and the background task call (``housing_import``,
``applications_import``): a first import of the CSV (everything created), the same CSV again
(nothing changes), the XLSX into a second organisation, and the CSV as a background job
(batches of 250 rows, each its own transaction with its undo journal). With
``--concurrent``, two more imports run in a thread while this thread writes for another
organisation every 20 ms, as its pages would: once in one transaction, once as a job. Prints
one line per run (wall time, rows per second; writes done, failed, longest wait).
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

STOCK_HEADER = [
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
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the file")
    parser.add_argument("--kind", choices=("stock", "applications"), default="stock")
    parser.add_argument(
        "--concurrent",
        action="store_true",
        help="also import while another organisation writes every 20 ms",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="an SQLite file already migrated (no migrate): the tests pass a copy of theirs",
    )
    return parser.parse_args()


def setup_django(url: str, migrate: bool = True) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def stock_rows(count: int):
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


APPLICATIONS_HEADER = [
    "registration_number",
    "first_applied_on",
    "applicant_first_name",
    "applicant_last_name",
    "applicant_birth_date",
    "phone",
    "persons",
    "dependants",
    "income_n2",
    "income_n2_year",
    "monthly_resources",
    "housing_situation",
    "priority_criteria",
    "dalo_decided_on",
    "wished_communes",
    "typologies",
    "documents_received",
]


def applications_rows(count: int, offset: int = 0):
    """``offset``: the first registration number; one file per organisation, the national
    number being unique across the platform (ADR 0046)."""
    for n in range(offset, offset + count):
        dalo = n % 20 == 0
        yield [
            f"037{n:010d}",
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2015 + n % 10}",
            "Samia",
            f"Benali {n}",
            f"{1 + n % 28:02d}/06/{1950 + n % 50}",
            f"06 12 {n % 100:02d} {n // 100 % 100:02d} 78",
            str(1 + n % 5),
            str(n % 5 // 2),
            str(9_000 + n % 30_000),
            "2024",
            "1 350,00",
            "hébergé",
            "dalo" if dalo else "",
            "12/03/2025" if dalo else "",
            "37261",
            "T2 T3",
            "identity, tax_notice_n2",
        ]


FILES = {
    "stock": (STOCK_HEADER, stock_rows),
    "applications": (APPLICATIONS_HEADER, applications_rows),
}


def _rows(kind: str, count: int, offset: int):
    header, rows = FILES[kind]
    return header, (rows(count, offset) if kind == "applications" else rows(count))


def csv_bytes(kind: str, count: int, offset: int = 0) -> bytes:
    header, rows = _rows(kind, count, offset)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(kind: str, count: int, offset: int = 0) -> bytes:
    import openpyxl

    header, rows = _rows(kind, count, offset)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(kind: str, organisation, upload, job):
    from relais.allocation.applications.io import applications_import
    from relais.housing.io.importers import housing_import

    if kind == "applications":
        return applications_import(organisation=organisation, actor=None, file=upload, job=job)
    return housing_import(
        organisation=organisation, actor=None, kind=kind, file=upload, sensitive=False, job=job
    )


def timed(label: str, kind: str, organisation, name: str, data: bytes, count: int, *, job=False):
    """One import of ``data``: in the request's way (one transaction), or as a job (batches)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from relais.housing.models import ImportJob

    upload = SimpleUploadedFile(name, data)
    job_row = ImportJob.objects.create(organisation=organisation, kind=kind, filename=name)
    started, cpu = time.perf_counter(), time.process_time()
    result = run_import(kind, organisation, upload, job_row if job else None)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.ok, [str(error) for error in result.errors[:5]]
    print(
        f"{label:<50} {count:>7} rows  {elapsed:6.2f} s (CPU {cpu:5.2f} s)  "
        f"{count / elapsed:6.0f} rows/s  created {result.created}, updated {result.updated}"
    )


def other_organisation_writes(organisation, stop) -> tuple[int, int, float]:
    """Writes of another organisation while an import runs: (done, failed, longest wait in s).

    Each write is what a page of that organisation does: a short transaction with an audit
    event (the crisis switch, a household edit).
    """
    from django.db import OperationalError, connection, transaction

    from relais.core import audit
    from relais.housing.models import Household

    household = Household.objects.create(organisation=organisation, reference="H1", name="A")
    done = failed = 0
    longest = 0.0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with transaction.atomic():
                Household.objects.filter(pk=household.pk).update(name=f"Famille {done}")
                audit.record(action="bench.write", organisation=organisation)
            done += 1
        except OperationalError:
            failed += 1
        longest = max(longest, time.perf_counter() - started)
        time.sleep(0.02)
    connection.close()
    return done, failed, longest


def concurrent(label, kind, importing, other, data: bytes, count: int, *, job: bool) -> None:
    """An import of ``importing`` in a thread while ``other`` writes in this one."""
    import threading

    from django.db import connection

    stop = threading.Event()

    def target():
        try:
            timed(label, kind, importing, f"{kind}.csv", data, count, job=job)
        finally:
            connection.close()
            stop.set()

    thread = threading.Thread(target=target)
    thread.start()
    done, failed, longest = other_organisation_writes(other, stop)
    thread.join()
    print(
        f"{'  other organisation meanwhile':<50} {done:>7} writes  {failed} failed  "
        f"longest wait {longest * 1000:.0f} ms"
    )


def run(args) -> None:
    from relais.core.models import Organisation
    from relais.housing.models import Commune, Departement, Region

    region = Region.objects.create(code="24", name="Centre-Val de Loire")
    departement = Departement.objects.create(code="37", name="Indre-et-Loire", region=region)
    Commune.objects.create(code="37261", name="Tours", departement=departement, zone="")
    orgs = [Organisation.objects.create(name=f"Bench {n}", slug=f"bench-{n}") for n in range(5)]
    kind, count = args.kind, args.rows
    data_csv = csv_bytes(kind, count)
    # Applications: each organisation its own registration numbers (unique platform-wide).
    data_for = (
        (lambda n: csv_bytes(kind, count, n * count))
        if kind == "applications"
        else (lambda n: data_csv)
    )
    data_xlsx = xlsx_bytes(kind, count, count if kind == "applications" else 0)
    timed(f"{kind} CSV, first import", kind, orgs[0], "f.csv", data_csv, count)
    timed(f"{kind} CSV, same file again", kind, orgs[0], "f.csv", data_csv, count)
    timed(f"{kind} XLSX, first import", kind, orgs[1], "f.xlsx", data_xlsx, count)
    timed(f"{kind} CSV, as a job (batches)", kind, orgs[2], "f.csv", data_for(2), count, job=True)
    if args.concurrent:
        for job, label, importing, other in (
            (False, "one transaction", orgs[3], orgs[0]),
            (True, "job (batches)", orgs[4], orgs[1]),
        ):
            label = f"{kind} {label}, other org writing"
            data = data_for(orgs.index(importing))
            concurrent(label, kind, importing, other, data, count, job=job)


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        if args.database:
            setup_django(f"sqlite:///{args.database.resolve()}", migrate=False)
        else:
            setup_django(f"sqlite:///{Path(tmp) / 'imports.sqlite3'}")
        run(args)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
