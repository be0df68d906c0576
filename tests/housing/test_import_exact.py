"""Imports store exactly what the file says, or refuse it naming the cell (issue 19 §3)."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from relais.formats import numbers
from relais.housing.io import cells
from relais.housing.io.readers import FileError, decode
from relais.housing.models import Dwelling, Occupant

from ..factories import CommuneFactory
from . import xlsx_files
from .test_import_export import OCCUPANT_ROW, STOCK_ROW, csv_file, messages, run, stock_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tours(db):
    return CommuneFactory()


def xlsx_upload(data: bytes, name="stock.xlsx"):
    return SimpleUploadedFile(name, data)


def stock_xlsx(rows: int) -> bytes:
    lines = [[*stock_row(dwelling_reference=f"LOG{n}").values()] for n in range(rows)]
    return xlsx_files.workbook(list(STOCK_ROW), lines)


# --- XLSX: what the sheet holds, not what it declares ---------------------------------------


def test_sheet_declaring_fewer_rows_than_it_holds_imports_them_all(organisation, tours):
    data = xlsx_files.with_dimension(stock_xlsx(5), "A1:Q3")
    assert b'<dimension ref="A1:Q3"/>' in xlsx_files.sheet_xml(data)

    result = run(organisation, "stock", xlsx_upload(data))

    assert result.ok, messages(result)
    assert result.rows == 5
    assert Dwelling.objects.count() == 5


def test_sheet_declaring_a_huge_size_is_read_for_what_it_holds(organisation, tours):
    data = xlsx_files.with_dimension(stock_xlsx(3), "A1:XFD100000")
    started = time.perf_counter()
    result = run(organisation, "stock", xlsx_upload(data))
    assert time.perf_counter() - started < 2
    assert result.ok and Dwelling.objects.count() == 3


def test_rows_keep_their_spreadsheet_numbers_after_empty_rows(organisation, tours):
    rows = [
        [*stock_row().values()],
        [None] * 17,
        [*stock_row(dwelling_reference="L2", typology="T9").values()],
    ]
    result = run(organisation, "stock", xlsx_upload(xlsx_files.workbook(list(STOCK_ROW), rows)))
    assert [(e.row, e.cell) for e in result.errors] == [(4, "K4")]


@pytest.mark.parametrize(
    ("cell_xml", "why"),
    [
        (b'<c r="Q2" t="e"><v>#N/A</v></c>', "error value"),
        (b'<c r="Q2"><f>SUM(Z1:Z9)</f></c>', "formula saved without its result"),
    ],
)
def test_a_cell_that_cannot_be_read_is_an_error_naming_it(organisation, tours, cell_xml, why):
    data = xlsx_files.cell_with(stock_xlsx(2), "Q2", cell_xml)

    result = run(organisation, "stock", xlsx_upload(data))

    assert not result.ok and not Dwelling.objects.exists()
    (error,) = result.errors
    assert (error.row, error.column, error.cell) == (2, "rent", "Q2")
    assert why in error.message
    assert str(error).startswith("Line 2, column “rent” (cell Q2): ")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("birth_date", dt.datetime(1941, 5, 12, 10, 30), "a date with a time"),
        ("birth_date", dt.time(10, 30), "a time or a duration"),
        ("first_name", 1e20, "too large or too small"),
    ],
)
def test_typed_cells_without_an_exact_value_are_errors(organisation, column, value, message):
    row = {**OCCUPANT_ROW, column: value}
    data = xlsx_files.workbook(list(row), [list(row.values())])

    result = run(organisation, "households", xlsx_upload(data, "households.xlsx"))

    assert not result.ok and not Occupant.objects.exists()
    assert message in result.errors[0].message and result.errors[0].column == column


def test_spreadsheet_numbers_are_taken_as_shown_never_rounded(organisation, tours):
    rows = [
        [*stock_row(rent=0.1 + 0.2).values()],  # shown 0,3 by the spreadsheet
        [*stock_row(dwelling_reference="L2", rent=450.505).values()],  # three decimals
    ]
    result = run(organisation, "stock", xlsx_upload(xlsx_files.workbook(list(STOCK_ROW), rows)))
    assert [(e.row, e.column) for e in result.errors] == [(3, "rent")]
    assert "more than 2 decimals" in result.errors[0].message


# --- French numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1\u00a0234,56", Decimal("1234.56")),  # no-break space
        ("1\u202f234,56", Decimal("1234.56")),  # narrow no-break space
        ("1234,56", Decimal("1234.56")),
        ("1 234 567,5", Decimal("1234567.5")),
        ("450 €", Decimal("450")),
        ("48.25", Decimal("48.25")),  # a dot that can only be a decimal point
    ],
)
def test_french_numbers(text, expected):
    assert numbers.french_decimal(text) == expected


@pytest.mark.parametrize("text", ["18.000", "1.234.567", "1.234,56", "1 234.567"])
def test_an_ambiguous_dot_is_refused(text):
    with pytest.raises(numbers.NumberError, match="ambiguous"):
        numbers.french_decimal(text)


@pytest.mark.parametrize("text", ["12 34,5", "1,2,3", "1e5", "douze", "١٢"])
def test_malformed_numbers_are_refused(text):
    with pytest.raises(numbers.NumberError):
        numbers.french_decimal(text)


def test_an_income_of_18_000_with_a_dot_is_never_18_euros(organisation, tours):
    result = run(organisation, "stock", csv_file([stock_row(rent="18.000")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "rent")]
    assert "ambiguous" in result.errors[0].message
    assert not Dwelling.objects.exists()


def test_grouped_amounts_import_to_the_cent(organisation, tours):
    rows = [
        stock_row(dwelling_reference="A", rent="1 234,56"),
        stock_row(dwelling_reference="B", rent="1\u00a0234,56"),
        stock_row(dwelling_reference="C", rent="1\u202f234,56"),
        stock_row(dwelling_reference="D", rent="1234,56"),
    ]
    result = run(organisation, "stock", csv_file(rows))
    assert result.ok, messages(result)
    assert set(Dwelling.objects.values_list("rent_cents", flat=True)) == {123456}


# --- Encodings ---------------------------------------------------------------------------------


def occupants_csv(names, encodings, bom=False) -> bytes:
    lines = ["household_reference;household_name;first_name;last_name;birth_date"]
    lines += [
        f"M{n};Famille {last};{first};{last};01/01/1950" for n, (first, last) in enumerate(names)
    ]
    data = [
        (line + "\r\n").encode(encoding)
        for line, encoding in zip(lines, ["utf-8", *encodings], strict=True)
    ]
    return (b"\xef\xbb\xbf" if bom else b"") + b"".join(data)


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)]
)
def test_a_file_in_one_encoding_keeps_its_accents(organisation, encoding, bom):
    data = occupants_csv([("Hélène", "Lefèvre"), ("Zoé", "Mañé")], [encoding] * 2, bom=bom)

    result = run(organisation, "households", SimpleUploadedFile("m.csv", data))

    assert result.ok, messages(result)
    assert Occupant.objects.get(first_name="Hélène").last_name == "Lefèvre"


@pytest.mark.parametrize("bom", [False, True])
def test_a_windows_1252_row_pasted_into_a_utf8_file_is_refused(organisation, bom):
    data = occupants_csv(
        [("Zoé", "Martin"), ("Paul", "Durand"), ("Hélène", "Lefèvre")],
        ["utf-8", "utf-8", "cp1252"],
        bom=bom,
    )

    result = run(organisation, "households", SimpleUploadedFile("m.csv", data))

    assert not result.ok and not Occupant.objects.exists()
    assert "line 4 is not" in result.errors[0].message
    assert "HÃ©lÃ¨ne" not in str(result.errors[0])


def test_a_utf8_row_pasted_into_a_windows_1252_file_is_refused(organisation):
    data = occupants_csv([("Hélène", "Lefèvre"), ("Zoé", "Martin")], ["cp1252", "utf-8"])
    with pytest.raises(
        FileError, match="mixes two character encodings: line 3 is in UTF-8 but line 2"
    ):
        decode(data)


def test_undefined_windows_1252_bytes_name_their_line():
    with pytest.raises(FileError, match=r"line 2"):
        decode(b"a;b\r\n\x81\x8d;x\r\n")


# --- Phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0692 12 34 56", "+262692123456"),  # La Réunion, mobile
        ("0262 20 00 00", "+262262200000"),  # La Réunion, fixed
        ("0269 61 00 00", "+262269610000"),  # Mayotte, fixed
        ("0690 62 90 42", "+590690629042"),  # Guadeloupe
        ("0596 70 00 00", "+596596700000"),  # Martinique, not +33
        ("0594 30 00 00", "+594594300000"),  # Guyane
        ("02 47 00 00 00", "+33247000000"),
        ("0976 12 34 56", "+33976123456"),  # national non-geographic: mainland
        ("+262 692 12 34 56", "+262692123456"),
        ("0033 2 47 00 00 00", "+33247000000"),
        ("247000000", "+33247000000"),  # a number cell that lost its 0
    ],
)
def test_phones_are_stored_under_their_country_code(written, stored):
    assert cells.phone(written) == stored


def test_an_overseas_phone_imports_and_exports_the_national_way(organisation):
    row = {**OCCUPANT_ROW, "phone": "0692 12 34 56"}
    result = run(organisation, "households", csv_file([row]))
    assert result.ok, messages(result)
    assert Occupant.objects.get().phone.as_e164 == "+262692123456"
