"""Exporting an organisation's rows in exactly the import columns (export → import changes
nothing). CSV is streamed (``;`` separator, UTF-8 with BOM, "1234,56": what Excel expects on a
French system); XLSX is written in openpyxl's streaming mode with typed cells.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from relais.core import audit
from relais.core.phones import national

from ..models import Dwelling, Household, Lease, Occupant
from .cells import FORMULA_PREFIXES
from .formats import FORMATS, Column

CHUNK_SIZE = 2000
BOM = "\ufeff"

# Column → lookup of the queried model; money columns read the *_cents field.
LOOKUPS = {
    "stock": {
        "residence_reference": "building__residence__reference",
        "residence_name": "building__residence__name",
        "building_reference": "building__reference",
        "address": "building__address",
        "postcode": "building__postcode",
        "commune_code": "building__commune_id",
        "in_qpv": "building__in_qpv",
        "has_lift": "building__has_lift",
        "floors": "building__floors",
        "dwelling_reference": "reference",
        "typology": "typology",
        "surface": "surface",
        "floor": "floor",
        "lift": "lift",
        "accessible": "accessible",
        "financing": "financing",
        "rent": "rent_cents",
    },
    "households": {
        "household_reference": "household__reference",
        "household_name": "household__name",
        **{
            name: name
            for name in (
                "first_name",
                "last_name",
                "birth_date",
                "is_holder",
                "phone",
                "email",
                "preferred_channel",
                "has_disability",
                "lives_alone",
                "vulnerability_consent",
                "consent_recorded_on",
            )
        },
    },
    "leases": {
        "lease_reference": "reference",
        "dwelling_reference": "dwelling__reference",
        "household_reference": "household__reference",
        "start_date": "start_date",
        "end_date": "end_date",
        "rent": "rent_cents",
        "charges": "charges_cents",
        "housing_benefit": "housing_benefit_cents",
    },
}


# Columns exported only to roles with ``lease.view_benefit``.
BENEFIT_COLUMNS = frozenset({"housing_benefit"})


def export_columns(kind: str, *, sensitive: bool, benefit: bool = False) -> tuple[Column, ...]:
    """The columns of ``kind`` a role may export: sensitive ones only with ``sensitive``, the
    housing benefit only with ``benefit`` (``lease.view_benefit``)."""
    columns = FORMATS[kind].export_columns(sensitive=sensitive)
    return tuple(c for c in columns if benefit or c.name not in BENEFIT_COLUMNS)


def export_rows(kind: str, organisation, columns: Iterable[Column]) -> Iterator[tuple]:
    """The organisation's rows of ``kind``, as tuples of database values in column order."""
    lookups = [LOOKUPS[kind][column.name] for column in columns]
    if kind == "stock":
        queryset = Dwelling.objects.for_organisation(organisation).order_by(
            "building__residence__reference", "building__reference", "reference"
        )
    elif kind == "households":
        queryset = Occupant.objects.for_organisation(organisation).order_by(
            "household__reference", "-is_holder", "birth_date", "pk"
        )
    else:
        queryset = Lease.objects.for_organisation(organisation).order_by("reference")
    yield from queryset.values_list(*lookups).iterator(chunk_size=CHUNK_SIZE)
    if kind == "households":
        # A household without occupants: one row with the household columns only.
        empty = (
            Household.objects.for_organisation(organisation)
            .filter(occupants__isnull=True)
            .order_by("reference")
            .values_list("reference", "name")
        )
        padding = (None,) * (len(lookups) - 2)
        for reference, name in empty.iterator(chunk_size=CHUNK_SIZE):
            yield (reference, name, *padding)


def _text(value: str) -> str:
    """Text a spreadsheet would take for a formula gets a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def _phone(value) -> str:
    """National format in the whole French plan: the import reads it back to the same
    country code (``relais.core.phones``)."""
    return national(value) if value else ""


def csv_cell(column: Column, value) -> str:
    if value is None:
        return ""
    match column.type:
        case "bool":
            return "oui" if value else "non"
        case "money":
            return f"{value // 100},{value % 100:02d}"
        case "decimal":
            return f"{Decimal(value).normalize():f}".replace(".", ",")
        case "date":
            return value.strftime("%d/%m/%Y")
        case "phone":
            return _text(_phone(value))
        case "int":
            return str(value)
    return _text(str(value))


def xlsx_cell(sheet, column: Column, value) -> WriteOnlyCell:
    number_format = None
    match column.type:
        case "bool":
            value = None if value is None else ("oui" if value else "non")
        case "money":
            value = None if value is None else Decimal(value) / 100
            number_format = "0.00"
        case "decimal":
            number_format = "0.00"
        case "date":
            number_format = "DD/MM/YYYY"
        case "phone":
            value = _phone(value)
    cell = WriteOnlyCell(sheet, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"  # text that looks like a formula stays text
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


class _Echo:
    """csv.writer target that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: tuple[Column, ...], rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow([column.name for column in columns])
    batch = []
    for row in rows:
        batch.append(writer.writerow([csv_cell(c, v) for c, v in zip(columns, row, strict=True)]))
        if len(batch) >= CHUNK_SIZE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def xlsx_file(title: str, columns: tuple[Column, ...], rows: Iterable[tuple]):
    """A temporary file holding the workbook, positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, c, v) for c, v in zip(columns, row, strict=True)])
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def file_name(organisation, kind: str, file_type: str, *, template: bool = False) -> str:
    if template:
        return f"relais-modele-{kind}.{file_type}"
    return f"relais-{kind}-{organisation.slug}-{dt.date.today():%Y-%m-%d}.{file_type}"


def housing_export(*, organisation, actor, kind: str, file_type: str, columns) -> Iterator[tuple]:
    """Record the export in the audit trail (it is a bulk read of personal data) and return
    the rows to write."""
    audit.record(
        action="housing.exported",
        organisation=organisation,
        actor=actor,
        changes={
            "kind": kind,
            "format": file_type,
            "columns": [column.name for column in columns],
        },
    )
    return export_rows(kind, organisation, columns)
