"""Import and export of the housing stock, households and leases (CSV and XLSX)."""

import csv
import datetime as dt
import io
import math
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing.io import exporters, importers
from relais.housing.io.formats import HOUSEHOLDS, LEASES, STOCK
from relais.housing.io.importers import housing_import
from relais.housing.models import Building, Dwelling, Household, Lease, Occupant, Residence

from ..factories import (
    BuildingFactory,
    CommuneFactory,
    DwellingFactory,
    HouseholdFactory,
    LeaseFactory,
    OccupantFactory,
    ResidenceFactory,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures_io"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (msgids); one test checks the French catalogue."""
    with translation.override("en"):
        yield


STOCK_ROW = {
    "residence_reference": "RES1",
    "residence_name": "Les Tilleuls",
    "building_reference": "BAT1",
    "address": "12 rue Nationale",
    "postcode": "37000",
    "commune_code": "37261",
    "in_qpv": "oui",
    "has_lift": "non",
    "floors": "4",
    "dwelling_reference": "LOG1",
    "typology": "T3",
    "surface": "65,5",
    "floor": "2",
    "lift": "non",
    "accessible": "",
    "financing": "PLUS",
    "rent": "1 234,56",
}
OCCUPANT_ROW = {
    "household_reference": "MEN1",
    "household_name": "Famille Martin",
    "first_name": "Jeanne",
    "last_name": "Martin",
    "birth_date": "12/05/1941",
    "is_holder": "oui",
    "phone": "02 47 00 00 00",
    "email": "jeanne@example.org",
    "preferred_channel": "téléphone",
    "has_disability": "non",
    "lives_alone": "oui",
    "vulnerability_consent": "oui",
    "consent_recorded_on": "2020-03-20",
}
LEASE_ROW = {
    "lease_reference": "BAIL1",
    "dwelling_reference": "LOG1",
    "household_reference": "MEN1",
    "start_date": "01/09/2015",
    "end_date": "",
    "rent": "450,00",
    "charges": "80",
    "housing_benefit": "200.5",
}


@pytest.fixture
def tours(db):
    return CommuneFactory()


def stock_row(**changes):
    return {**STOCK_ROW, **changes}


def csv_file(rows, *, name="import.csv", separator=";", bom=False, encoding="utf-8"):
    """A CSV upload of dict rows (the first row's keys are the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow(list(rows[0]))
    writer.writerows([list(row.values()) for row in rows])
    data = buffer.getvalue().encode(encoding)
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data)


def xlsx_file(header, rows, *, name="import.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run(organisation, kind, upload, actor=None, sensitive=True, job=None):
    return housing_import(
        organisation=organisation,
        actor=actor,
        kind=kind,
        file=upload,
        sensitive=sensitive,
        job=job,
    )


def counts(result):
    return {count.key: (count.created, count.updated) for count in result.counts}


def table_counts():
    return [
        model.objects.count()
        for model in (Residence, Building, Dwelling, Household, Occupant, Lease)
    ]


def messages(result):
    return [str(error) for error in result.errors]


# --- Stock -----------------------------------------------------------------------------------


def test_stock_csv_creates_residences_buildings_and_dwellings(organisation, tours):
    rows = [
        stock_row(),
        stock_row(dwelling_reference="LOG2", typology="t2", surface="48.25", rent="450.00"),
        stock_row(building_reference="BAT2", address="3 place Plumereau", dwelling_reference="L3"),
    ]
    result = run(organisation, "stock", csv_file(rows))

    assert result.ok, messages(result)
    assert counts(result) == {"residence": (1, 0), "building": (2, 0), "dwelling": (3, 0)}
    residence = Residence.objects.get(organisation=organisation, reference="RES1")
    assert residence.name == "Les Tilleuls" and residence.commune == tours
    building = Building.objects.get(reference="BAT1")
    assert (building.residence, building.in_qpv, building.has_lift, building.floors) == (
        residence,
        True,
        False,
        4,
    )
    first, second = Dwelling.objects.filter(building=building).order_by("reference")
    assert (first.surface, first.rent_cents, first.typology, first.accessible) == (
        65.5,
        123456,
        "T3",
        False,
    )
    assert (second.typology, str(second.surface), second.rent_cents) == ("T2", "48.25", 45000)


@pytest.mark.parametrize(
    ("separator", "bom", "encoding"),
    [(";", False, "utf-8"), (";", True, "utf-8"), (",", False, "utf-8"), (";", False, "cp1252")],
)
def test_csv_dialects_excel_writes(organisation, tours, separator, bom, encoding):
    upload = csv_file(
        [stock_row(residence_name="Les Hêtres « Sud »")],
        separator=separator,
        bom=bom,
        encoding=encoding,
    )
    result = run(organisation, "stock", upload)

    assert result.ok, messages(result)
    assert Residence.objects.get().name == "Les Hêtres « Sud »"
    assert Dwelling.objects.get().surface == 65.5


def test_excel_french_csv_sample(organisation, tours):
    """As Excel saves "CSV (séparateur : point-virgule)" on a French Windows: cp1252, CRLF."""
    upload = SimpleUploadedFile("stock.csv", (FIXTURES / "stock_excel_fr.csv").read_bytes())
    result = run(organisation, "stock", upload)

    assert result.ok, messages(result)
    assert counts(result) == {"residence": (1, 0), "building": (2, 0), "dwelling": (3, 0)}
    assert Residence.objects.get().name == "Résidence du Sanitas"
    dwelling = Dwelling.objects.get(reference="SAN-A-002")
    assert (dwelling.rent_cents, dwelling.surface, dwelling.lift) == (103400, 78.25, True)


def test_stock_xlsx_with_typed_cells(organisation, tours):
    header = list(STOCK_ROW)
    row = [*STOCK_ROW.values()]
    typed = dict(zip(header, row, strict=True)) | {
        "postcode": 37000,
        "commune_code": 37261,
        "in_qpv": True,
        "floors": 4,
        "surface": 65.5,
        "floor": 2,
        "rent": 450.5,
    }
    result = run(organisation, "stock", xlsx_file(header, [list(typed.values())]))

    assert result.ok, messages(result)
    dwelling = Dwelling.objects.get()
    assert (dwelling.rent_cents, dwelling.surface, dwelling.building.postcode) == (
        45050,
        65.5,
        "37000",
    )


def test_three_bad_rows_report_three_errors_and_write_nothing(organisation, tours):
    rows = [
        stock_row(),
        stock_row(dwelling_reference="LOG2", typology="T9"),
        stock_row(dwelling_reference="LOG3"),
        stock_row(dwelling_reference="LOG4", surface="grand"),
        stock_row(dwelling_reference="LOG5", rent="12,345"),
    ]
    before = table_counts()

    result = run(organisation, "stock", csv_file(rows))

    assert not result.ok
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "typology"),
        (5, "surface"),
        (6, "rent"),
    ]
    assert messages(result)[0] == (
        "Line 3, column “typology” (cell K3): “T9” is not a typology (T1 to T6)."
    )
    assert table_counts() == before
    assert not AuditEvent.objects.filter(action="housing.imported").exists()


def test_errors_are_reported_in_french(organisation, tours):
    with translation.override("fr"):
        result = run(organisation, "stock", csv_file([stock_row(typology="T9")]))
        text = str(result.errors[0])
    assert text == (
        "Ligne 2, colonne « typology » (cellule K2) : « T9 » n'est pas une typologie (T1 à T6)."
    )


def test_duplicate_dwelling_in_the_file(organisation, tours):
    result = run(organisation, "stock", csv_file([stock_row(), stock_row(surface="70")]))

    assert [(e.row, e.column) for e in result.errors] == [(3, "dwelling_reference")]
    assert "line 2" in messages(result)[0]
    assert not Dwelling.objects.exists()


def test_rows_of_one_building_must_agree(organisation, tours):
    rows = [stock_row(), stock_row(dwelling_reference="LOG2", address="14 rue Nationale")]
    result = run(organisation, "stock", csv_file(rows))

    assert [(e.row, e.column) for e in result.errors] == [(3, "address")]


def test_unknown_commune(organisation, tours):
    result = run(organisation, "stock", csv_file([stock_row(commune_code="99999")]))

    assert [(e.row, e.column) for e in result.errors] == [(2, "commune_code")]
    assert "99999" in messages(result)[0]


def test_commune_code_without_its_leading_zero(organisation, tours):
    CommuneFactory(code="01053", name="Bourg-en-Bresse", postcodes="01000")
    result = run(organisation, "stock", csv_file([stock_row(commune_code="1053", postcode="1000")]))

    assert result.ok, messages(result)
    assert Building.objects.get().commune_id == "01053"


def test_building_already_under_another_residence_conflicts(organisation, tours):
    BuildingFactory(
        reference="BAT1",
        residence=ResidenceFactory(organisation=organisation, reference="AUTRE", commune=tours),
    )
    result = run(organisation, "stock", csv_file([stock_row()]))

    assert [(e.row, e.column) for e in result.errors] == [(2, "building_reference")]
    assert "AUTRE" in messages(result)[0]


def test_references_of_other_organisations_do_not_conflict(organisation, other_organisation, tours):
    theirs = DwellingFactory(
        reference="LOG1",
        building__reference="BAT1",
        building__residence__organisation=other_organisation,
        building__residence__reference="ZZZ",
    )
    result = run(organisation, "stock", csv_file([stock_row()]))

    assert result.ok, messages(result)
    assert counts(result)["dwelling"] == (1, 0)
    theirs.refresh_from_db()
    assert theirs.building.residence.reference == "ZZZ"
    assert Dwelling.objects.filter(reference="LOG1").count() == 2


def test_update_counts_only_changed_rows(organisation, tours):
    rows = [stock_row(), stock_row(dwelling_reference="LOG2")]
    run(organisation, "stock", csv_file(rows))

    rows[1]["rent"] = "500"
    result = run(organisation, "stock", csv_file(rows))

    assert result.ok
    assert counts(result) == {"residence": (0, 0), "building": (0, 0), "dwelling": (0, 1)}
    assert Dwelling.objects.get(reference="LOG2").rent_cents == 50000


def test_reimport_is_idempotent(organisation, tours):
    upload = [stock_row(), stock_row(dwelling_reference="LOG2", surface="70.10")]
    run(organisation, "stock", csv_file(upload))

    again = run(organisation, "stock", csv_file(upload))

    assert again.ok and again.created == 0 and again.updated == 0
    assert {count.unchanged for count in again.counts} == {1, 2}


def test_optional_columns_left_out_keep_existing_values(organisation, tours):
    run(organisation, "stock", csv_file([stock_row(accessible="oui", floor="3")]))
    trimmed = {k: v for k, v in stock_row().items() if k not in ("accessible", "floor")}

    result = run(organisation, "stock", csv_file([trimmed]))

    assert result.ok and result.updated == 0
    dwelling = Dwelling.objects.get()
    assert (dwelling.accessible, dwelling.floor) == (True, 3)


def test_header_problems_are_one_clear_error_each(organisation, tours):
    row = {k: v for k, v in stock_row().items() if k != "typology"} | {"colour": "bleu"}
    result = run(organisation, "stock", csv_file([row]))

    assert [(e.row, e.column) for e in result.errors] == [(1, ""), (1, "")]
    unknown, missing = messages(result)
    assert "colour" in unknown and "typology" in missing


def test_not_a_spreadsheet(organisation):
    result = run(organisation, "stock", SimpleUploadedFile("photo.xlsx", b"\x89PNG...."))
    assert messages(result) == ["This is not a valid .xlsx workbook."]


def test_crash_mid_import_leaves_nothing(organisation, tours, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Dwelling.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        run(organisation, "stock", csv_file([stock_row()]))

    assert not Residence.objects.exists() and not Building.objects.exists()
    assert not AuditEvent.objects.filter(action="housing.imported").exists()


# --- Households ------------------------------------------------------------------------------


def test_households_csv(organisation):
    rows = [
        OCCUPANT_ROW,
        OCCUPANT_ROW
        | {
            "first_name": "Paul",
            "birth_date": "1939-01-30",
            "is_holder": "non",
            "phone": "+44 20 7946 0958",
            "email": "",
            "preferred_channel": "Courrier",
            "vulnerability_consent": "non",
            "consent_recorded_on": "",
        },
        # A household without occupants: its occupant columns are all empty.
        dict.fromkeys(OCCUPANT_ROW, "")
        | {"household_reference": "MEN2", "household_name": "Famille Bernard"},
    ]
    result = run(organisation, "households", csv_file(rows))

    assert result.ok, messages(result)
    assert counts(result) == {"household": (2, 0), "occupant": (2, 0)}
    jeanne = Occupant.objects.get(first_name="Jeanne")
    assert jeanne.household.name == "Famille Martin"
    assert (jeanne.birth_date, jeanne.phone.as_e164, jeanne.preferred_channel) == (
        dt.date(1941, 5, 12),
        "+33247000000",
        "phone",
    )
    assert jeanne.vulnerability_consent and jeanne.consent_recorded_on == dt.date(2020, 3, 20)
    paul = Occupant.objects.get(first_name="Paul")
    assert (paul.birth_date, paul.preferred_channel, paul.is_holder) == (
        dt.date(1939, 1, 30),
        "letter",
        False,
    )
    assert not Household.objects.get(reference="MEN2").occupants.exists()


def test_households_bad_phone_and_undated_consent(organisation):
    rows = [OCCUPANT_ROW | {"phone": "06 12", "consent_recorded_on": ""}]
    result = run(organisation, "households", csv_file(rows))

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "phone"),
        (2, "consent_recorded_on"),
    ]
    assert not Household.objects.exists()


def test_occupants_are_matched_by_name_and_birth_date(organisation):
    run(organisation, "households", csv_file([OCCUPANT_ROW]))

    changed = OCCUPANT_ROW | {"first_name": "JEANNE", "phone": "0247000001"}
    result = run(organisation, "households", csv_file([changed]))

    assert counts(result) == {"household": (0, 0), "occupant": (0, 1)}
    occupant = Occupant.objects.get()
    assert (occupant.first_name, occupant.phone.as_e164) == ("JEANNE", "+33247000001")


def test_same_occupant_twice_in_the_file(organisation):
    result = run(organisation, "households", csv_file([OCCUPANT_ROW, OCCUPANT_ROW]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "first_name")]


# --- Leases ----------------------------------------------------------------------------------


@pytest.fixture
def dwelling(organisation, tours):
    return DwellingFactory(
        reference="LOG1",
        building__residence__organisation=organisation,
        building__residence__commune=tours,
    )


@pytest.fixture
def household(organisation):
    return HouseholdFactory(organisation=organisation, reference="MEN1")


def test_leases_csv(organisation, dwelling, household):
    result = run(organisation, "leases", csv_file([LEASE_ROW]))

    assert result.ok, messages(result)
    lease = Lease.objects.get()
    assert (lease.dwelling, lease.household, lease.start_date, lease.end_date) == (
        dwelling,
        household,
        dt.date(2015, 9, 1),
        None,
    )
    assert (lease.rent_cents, lease.charges_cents, lease.housing_benefit_cents) == (
        45000,
        8000,
        20050,
    )


def test_leases_need_existing_dwelling_and_household(organisation, dwelling, other_organisation):
    HouseholdFactory(organisation=other_organisation, reference="MEN1")
    rows = [LEASE_ROW, LEASE_ROW | {"lease_reference": "BAIL2", "dwelling_reference": "LOG9"}]
    result = run(organisation, "leases", csv_file(rows))

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "household_reference"),
        (3, "dwelling_reference"),
        (3, "household_reference"),
    ]


def test_a_dwelling_keeps_one_current_lease(organisation, dwelling, household):
    LeaseFactory(dwelling=dwelling, household=household, reference="ANCIEN")

    result = run(organisation, "leases", csv_file([LEASE_ROW]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "end_date")]
    assert "ANCIEN" in messages(result)[0]

    closing = LEASE_ROW | {
        "lease_reference": "ANCIEN",
        "start_date": "01/09/2010",
        "end_date": "31/08/2015",
    }
    result = run(organisation, "leases", csv_file([closing, LEASE_ROW]))
    assert result.ok, messages(result)
    assert counts(result) == {"lease": (1, 1)}
    assert Lease.objects.get(end_date__isnull=True).reference == "BAIL1"


def test_two_current_leases_in_the_file(organisation, dwelling, household):
    rows = [LEASE_ROW, LEASE_ROW | {"lease_reference": "BAIL2"}]
    result = run(organisation, "leases", csv_file(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "end_date")]


def test_lease_ending_before_it_starts(organisation, dwelling, household):
    result = run(organisation, "leases", csv_file([LEASE_ROW | {"end_date": "2014-01-01"}]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "end_date")]


# --- Round trips -----------------------------------------------------------------------------


@pytest.fixture
def stock(organisation, tours):
    """Some of everything, with awkward values."""
    dwelling = DwellingFactory(
        building__residence__organisation=organisation,
        building__residence__commune=tours,
        building__residence__name="=SOMME(A1)",
        surface="65.50",
        rent_cents=123456,
        floor=-1,
    )
    DwellingFactory(building=dwelling.building, surface="100.00", accessible=True)
    holder = OccupantFactory(household__organisation=organisation, vulnerable=True)
    OccupantFactory(household=holder.household, first_name="Paul", phone="+442079460958")
    OccupantFactory(household__organisation=organisation, phone="", email="a@example.org")
    HouseholdFactory(organisation=organisation)
    LeaseFactory(dwelling=dwelling, household=holder.household, end_date=dt.date(2020, 1, 31))
    LeaseFactory(dwelling=dwelling, household=holder.household, start_date=dt.date(2020, 2, 1))
    return dwelling


def export(organisation, kind, file_type, *, sensitive=True):
    columns = exporters.export_columns(kind, sensitive=sensitive, benefit=sensitive)
    rows = exporters.export_rows(kind, organisation, columns)
    if file_type == "csv":
        data = "".join(exporters.csv_lines(columns, rows)).encode()
    else:
        with exporters.xlsx_file(kind, columns, rows) as output:
            data = output.read()
    return SimpleUploadedFile(f"export.{file_type}", data)


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["stock", "households", "leases"])
def test_export_then_import_changes_nothing(organisation, stock, kind, file_type):
    before = table_counts()
    result = run(organisation, kind, export(organisation, kind, file_type))

    assert result.ok, messages(result)
    assert (result.created, result.updated) == (0, 0)
    assert result.rows > 0
    assert table_counts() == before


def test_export_into_an_empty_organisation_recreates_everything(
    organisation, other_organisation, stock
):
    for kind in ("stock", "households", "leases"):
        result = run(other_organisation, kind, export(organisation, kind, "xlsx"))
        assert result.ok, messages(result)
    mine = Dwelling.objects.for_organisation(organisation)
    theirs = Dwelling.objects.for_organisation(other_organisation)
    fields = ("reference", "surface", "rent_cents", "floor", "accessible", "building__reference")
    assert list(mine.order_by("reference").values_list(*fields)) == list(
        theirs.order_by("reference").values_list(*fields)
    )
    assert Residence.objects.for_organisation(other_organisation).get().name == "=SOMME(A1)"
    assert Household.objects.for_organisation(other_organisation).count() == 3
    assert Lease.objects.for_organisation(other_organisation).count() == 2


def test_csv_export_is_excel_french(organisation, stock):
    data = export(organisation, "stock", "csv").read().decode("utf-8")

    assert data.startswith("\ufeffresidence_reference;residence_name;")
    assert "'=SOMME(A1)" in data  # not run as a formula by a spreadsheet
    assert ";1234,56\r\n" in data and ";65,5;" in data


def test_export_without_sensitive_columns_keeps_them_on_reimport(organisation, stock):
    upload = export(organisation, "households", "csv", sensitive=False)
    header = upload.read().decode("utf-8").splitlines()[0]
    upload.seek(0)
    assert "has_disability" not in header and "vulnerability_consent" not in header

    result = run(organisation, "households", upload)

    assert result.ok and result.updated == 0
    assert Occupant.objects.filter(vulnerability_consent=True).count() == 1


# --- Views and access ------------------------------------------------------------------------


def test_director_imports_through_the_page(member_factory, organisation, tours):
    user, client = member_factory(Role.DIRECTOR)
    page = client.get(reverse("housing:import"))
    assert page.status_code == 200
    assert b"relais-modele-stock" not in page.content  # links, not file names
    assert reverse("housing:import_template", args=["stock", "csv"]).encode() in page.content

    response = client.post(
        reverse("housing:import"), {"kind": "stock", "file": csv_file([stock_row()])}
    )

    assert response.status_code == 200
    assert b"import-result" in response.content
    event = AuditEvent.objects.get(action="housing.imported")
    assert (event.organisation, event.actor) == (organisation, user)
    assert event.changes["kind"] == "stock" and event.changes["file"] == "import.csv"
    assert event.changes["created"] == {"residence": 1, "building": 1, "dwelling": 1}


def test_page_lists_errors_and_caps_them(owner_client, organisation, tours):
    rows = [stock_row(dwelling_reference=f"L{n}", typology="T9") for n in range(250)]
    response = owner_client.post(
        reverse("housing:import"), {"kind": "stock", "file": csv_file(rows)}
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "import-errors" in content
    assert content.count('data-testid="import-error"') == 200
    # The page is in French (LANGUAGE_CODE); the header is line 1, so the 200th error is line 201.
    assert "Ligne 201," in content and "Ligne 202," not in content
    assert "50 autres erreurs" in content or "50 more errors" in content
    assert not Dwelling.objects.exists()


def test_htmx_post_renders_the_partial(owner_client, tours):
    response = owner_client.post(
        reverse("housing:import"),
        {"kind": "stock", "file": csv_file([stock_row()])},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b"<html" not in response.content and b"import-result" in response.content


def test_file_too_large(owner_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = owner_client.post(
        reverse("housing:import"),
        {"kind": "stock", "file": csv_file([stock_row()] * 5)},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert not Residence.objects.exists()


def test_read_only_member_cannot_import_or_export(readonly_client, tours):
    assert readonly_client.get(reverse("housing:import")).status_code == 403
    response = readonly_client.post(
        reverse("housing:import"), {"kind": "stock", "file": csv_file([stock_row()])}
    )
    assert response.status_code == 403
    assert readonly_client.get(reverse("housing:export", args=["stock", "csv"])).status_code == 403
    assert not Residence.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("housing:export", args=["stock", "csv"]))
    assert response.status_code == 302


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_export_download(owner_client, organisation, stock, file_type):
    response = owner_client.get(reverse("housing:export", args=["stock", file_type]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    result = run(organisation, "stock", SimpleUploadedFile(f"x.{file_type}", data))
    assert result.ok and (result.created, result.updated) == (0, 0)
    assert AuditEvent.objects.filter(action="housing.exported").exists()


def test_outsider_export_does_not_contain_our_data(outsider_client, stock):
    response = outsider_client.get(reverse("housing:export", args=["stock", "csv"]))

    assert response.status_code == 200
    data = b"".join(response.streaming_content).decode()
    assert data.splitlines()[0].startswith("\ufeffresidence_reference;")
    assert len(data.splitlines()) == 1
    assert stock.reference not in data


def test_accountant_exports_but_does_not_import(member_factory, stock):
    _user, client = member_factory(Role.ACCOUNTANT)
    response = client.get(reverse("housing:export", args=["leases", "xlsx"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # consuming the stream closes the file
    assert client.get(reverse("housing:import")).status_code == 403


@pytest.mark.parametrize("kind", ["stock", "households", "leases"])
def test_templates_hold_the_header_row(owner_client, kind):
    response = owner_client.get(reverse("housing:import_template", args=[kind, "xlsx"]))

    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    spec = {"stock": STOCK, "households": HOUSEHOLDS, "leases": LEASES}[kind]
    assert [cell.value for cell in next(workbook.active.iter_rows())] == list(spec.names)


# --- Scale -----------------------------------------------------------------------------------


def test_ten_thousand_dwellings_in_bounded_queries_and_seconds(
    owner_client, tours, django_assert_max_num_queries, settings
):
    settings.IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024  # in the request: one transaction
    rows = 10_000
    lines = [
        stock_row(
            residence_reference=f"RES{n // 400}",
            building_reference=f"BAT{n // 40}",
            address=f"{n // 40} rue Nationale",
            dwelling_reference=f"LOG{n:05d}",
        )
        for n in range(rows)
    ]
    upload = csv_file(lines)
    # Rows are written in batches: about 10 on PostgreSQL; about 100 on SQLite, whose driver
    # caps one statement at 999 parameters (Django 5.2). Never one query per row.
    fields = [f for f in Dwelling._meta.concrete_fields if not f.primary_key]
    per_statement = min(importers.BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * rows))
    limit = (
        40
        + math.ceil(rows / per_statement)
        + math.ceil(rows / (connection.features.max_query_params or rows))
    )
    started = time.perf_counter()
    with django_assert_max_num_queries(limit):
        response = owner_client.post(reverse("housing:import"), {"kind": "stock", "file": upload})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert b"import-result" in response.content
    assert Dwelling.objects.count() == rows and Building.objects.count() == rows // 40
    assert elapsed < 20, f"10,000 rows took {elapsed:.1f} s"


def test_an_empty_money_cell_exports_as_an_empty_xlsx_cell():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    money = next(column for column in LEASES.columns if column.type == "money")
    assert exporters.xlsx_cell(sheet, money, None).value is None
    assert exporters.xlsx_cell(sheet, money, 123456).value == Decimal("1234.56")


def test_a_household_keeps_one_current_lease(organisation, dwelling, household, tours):
    other = DwellingFactory(building=dwelling.building, reference="LOG2")
    LeaseFactory(dwelling=other, household=household, reference="ANCIEN")

    result = run(organisation, "leases", csv_file([LEASE_ROW]))

    assert [(e.row, e.column) for e in result.errors] == [(2, "end_date")]
    assert "MEN1" in messages(result)[0] and "ANCIEN" in messages(result)[0]
    assert Lease.objects.count() == 1
