"""Import and export of applications: all or nothing, row errors, upsert, round trip."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from relais.allocation.applications import io as io_applications
from relais.allocation.applications.io import APPLICATIONS, applications_import
from relais.allocation.models import Application, current_income_year
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing.io import exporters

from ..factories import CommuneFactory, EpciFactory

pytestmark = pytest.mark.django_db

ROW = {
    "registration_number": "0372024000101",
    "first_applied_on": "15/01/2023",
    "applicant_first_name": "Samia",
    "applicant_last_name": "Benali",
    "applicant_birth_date": "01/06/1985",
    "co_applicant_birth_date": "",
    "phone": "06 12 34 56 78",
    "email": "samia@example.org",
    "persons": "3",
    "dependants": "2",
    "is_couple": "non",
    "income_n2": "18 000",
    "income_n1": "15 900",
    "monthly_resources": "1 350,00",
    "current_housing_cost": "",
    "housing_situation": "hébergé",
    "priority_criteria": "dalo, eviction",
    "wished_communes": "37261, 37122",
    "typologies": "T3 T4",
    "max_rent": "520",
    "documents_received": "identity, tax_notice_n2",
}


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids), in services and pages alike."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def communes(db):
    return CommuneFactory(), CommuneFactory(code="37122", name="Joué-lès-Tours")


def csv_file(rows, name="demandes.csv", columns=None):
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"))


def row(**overrides):
    return {**ROW, **overrides}


def run(organisation, rows, **options):
    return applications_import(
        organisation=organisation, actor=None, file=csv_file(rows, **options)
    )


def test_import_creates_applications_with_derived_fields_wishes_and_scores(organisation):
    second = row(
        registration_number="0372024000102", applicant_last_name="Roux", priority_criteria=""
    )
    result = run(organisation, [row(), second])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.counts[0].created, result.counts[0].updated) == (2, 0)
    application = Application.objects.get(registration_number="0372024000101")
    assert application.phone == "+33612345678"
    assert (application.household_category, application.reference_income) == (4, 15_900)
    assert application.reference_income_basis == "n1"
    assert application.housing_situation == "hosted"
    assert application.priority_criteria == ["dalo", "eviction"]
    assert application.wished_typologies == ["T3", "T4"]
    assert (application.max_rent_cents, application.current_housing_cost_cents) == (52_000, None)
    through = Application.wished_communes.through.objects.filter(application=application)
    assert list(through.order_by("pk").values_list("commune_id", flat=True)) == ["37261", "37122"]
    assert application.scored_with is not None
    assert ["priority:dalo", 50] in application.score_explanation
    assert Application.objects.get(registration_number="0372024000102").score < application.score
    event = AuditEvent.objects.get(action="application.imported")
    changes = dict(event.changes)
    assert set(changes.pop("fields")) >= {"income_n2", "phone", "reference_income"}
    assert changes == {"file": "demandes.csv", "rows": 2, "created": 2, "updated": 0}


def test_bad_rows_report_every_error_and_write_nothing(organisation):
    rows = [
        row(),
        row(registration_number="0372024000102", persons="2", dependants="2"),
        row(registration_number="0372024000103", wished_communes="37261, 99999"),
        row(registration_number="0372024000104", is_couple="oui", dependants="1"),
        row(registration_number="0372024000101"),
        row(registration_number="bad number!", housing_situation="palace", income_n2="beaucoup"),
    ]
    result = run(organisation, rows)
    assert not result.ok
    assert [str(error) for error in result.errors] == [
        "Line 3, column “dependants” (cell J3): A household counts at least one adult.",
        "Line 4, column “wished_communes” (cell R4): Unknown code: 99999.",
        "Line 5, column “co_applicant_birth_date” (cell F5): Required for a couple.",
        "Line 6, column “registration_number” (cell A6): “0372024000101” already appears on "
        "line 2.",
        "Line 7, column “registration_number” (cell A7): “bad number!” is not a valid "
        "registration number (letters, digits, spaces and . _ / -, 40 characters at most).",
        "Line 7, column “income_n2” (cell L7): “beaucoup” is not a number (for example 1 234,56).",
        "Line 7, column “housing_situation” (cell P7): “palace” is not a housing situation "
        "(social_tenant, private_tenant, hosted, shelter, homeless, unfit, owner, other).",
    ]
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action="application.imported").exists()


def test_missing_columns_and_no_wish(organisation):
    result = run(organisation, [row()], columns=["registration_number", "persons"])
    assert "Missing columns" in str(result.errors[0])
    result = run(organisation, [row(wished_communes="")])
    assert str(result.errors[0]).endswith("Give at least one wished commune or EPCI.")


def test_wished_epcis_column(organisation):
    EpciFactory()
    result = run(organisation, [row(wished_communes="", wished_epcis="243700754")])
    assert result.ok
    assert Application.objects.get().scored_with is not None


def test_reimport_upserts_by_registration_number(organisation, other_organisation):
    assert run(other_organisation, [row(registration_number="0372024009999")]).ok
    assert run(organisation, [row()]).ok
    again = run(organisation, [row()])
    assert (again.counts[0].created, again.counts[0].updated, again.counts[0].unchanged) == (
        0,
        0,
        1,
    )
    changed = run(organisation, [row(income_n1="", wished_communes="37122")])
    assert (changed.counts[0].created, changed.counts[0].updated) == (0, 1)
    application = Application.objects.get(organisation=organisation)
    assert (application.reference_income, application.reference_income_basis) == (18_000, "n2")
    through = Application.wished_communes.through.objects.filter(application=application)
    assert list(through.values_list("commune_id", flat=True)) == ["37122"]
    assert Application.objects.count() == 2


def test_a_number_registered_by_another_landlord_is_refused_on_its_row(
    organisation, other_organisation
):
    """The national number is unique across the platform (ADR 0046): the row names the
    landlord that registered it and when, and nothing of its file; nothing is written."""
    assert run(other_organisation, [row()]).ok
    refused = run(organisation, [row(registration_number="0372024000999"), row()])
    assert not refused.ok
    (error,) = refused.errors
    assert (error.row, error.column) == (3, "registration_number")
    assert "already registered by Scalis" in error.message
    assert "Benali" not in error.message
    assert Application.objects.filter(organisation=organisation).count() == 0


def test_only_wishes_changed_counts_as_an_update(organisation):
    run(organisation, [row()])
    result = run(organisation, [row(wished_communes="37122, 37261")])
    assert (result.counts[0].updated, result.counts[0].unchanged) == (1, 0)


def test_optional_columns_left_out_keep_stored_values(organisation):
    run(organisation, [row()])
    columns = [name for name in ROW if name not in ("max_rent", "priority_criteria", "typologies")]
    result = run(organisation, [row(applicant_last_name="Benali-Roux")], columns=columns)
    assert result.ok and result.counts[0].updated == 1
    application = Application.objects.get()
    assert application.max_rent_cents == 52_000
    assert application.priority_criteria == ["dalo", "eviction"]
    assert application.wished_typologies == ["T3", "T4"]


def test_xlsx_with_typed_cells(organisation):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    columns = list(ROW)
    sheet.append(columns)
    values = row(
        first_applied_on=dt.datetime(2023, 1, 15),
        applicant_birth_date=dt.date(1985, 6, 1),
        persons=3,
        dependants=2,
        income_n2=18000,
        income_n1=15900.0,
        monthly_resources=1350.5,
        wished_communes=37261,
    )
    sheet.append([values[name] for name in columns])
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("demandes.xlsx", data.getvalue())
    result = applications_import(organisation=organisation, actor=None, file=upload)
    assert result.ok, [str(e) for e in result.errors]
    application = Application.objects.get()
    assert (application.first_applied_on, application.monthly_resources_cents) == (
        dt.date(2023, 1, 15),
        135_050,
    )


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(organisation, file_type):
    run(
        organisation,
        [
            row(),
            row(
                registration_number="X-2",
                co_applicant_birth_date="02/03/1984",
                is_couple="oui",
                dependants="1",
                income_n2_year="2022",
                dalo_decided_on="12/03/2025",
            ),
        ],
        columns=[*ROW, "income_n2_year", "dalo_decided_on"],
    )
    rows = list(io_applications.export_rows(organisation))
    names = APPLICATIONS.names
    exported = dict(zip(names, rows[1], strict=True))
    assert (exported["income_n2_year"], exported["dalo_decided_on"]) == (2022, dt.date(2025, 3, 12))
    if file_type == "csv":
        text = "".join(exporters.csv_lines(APPLICATIONS.columns, rows))
        upload = SimpleUploadedFile("export.csv", text.encode("utf-8"))
    else:
        with exporters.xlsx_file("applications", APPLICATIONS.columns, rows) as workbook:
            upload = SimpleUploadedFile("export.xlsx", workbook.read())
    result = applications_import(organisation=organisation, actor=None, file=upload)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.counts[0].created, result.counts[0].updated, result.counts[0].unchanged) == (
        0,
        0,
        2,
    )


def test_pages(member_factory, organisation, other_organisation):
    _user, officer = member_factory(Role.ALLOCATION_OFFICER)
    url = reverse("allocation:application_import")
    response = officer.post(url, {"file": csv_file([row()])})
    assert response.status_code == 200 and "1 created" in response.content.decode()
    response = officer.post(
        url, {"file": csv_file([row(persons="0")])}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="import-panel"') and "out of range" in body
    _user, director = member_factory(Role.DIRECTOR)
    assert director.get(url).status_code == 403  # may read files, not import them
    export = director.get(reverse("allocation:application_export", args=["csv"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "0372024000101" in text
    assert AuditEvent.objects.filter(action="application.exported").exists()
    outsider = member_factory(Role.DIRECTOR, other_organisation)[1]
    other = b"".join(
        outsider.get(reverse("allocation:application_export", args=["csv"])).streaming_content
    )
    assert b"0372024000101" not in other
    template = officer.get(reverse("allocation:application_import_template", args=["xlsx"]))
    header = next(
        openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content))).active.values
    )
    assert list(header) == list(APPLICATIONS.names)


@pytest.mark.parametrize("written", ["18.000", "1.234.567"])
def test_an_income_with_an_ambiguous_dot_is_refused_never_18_euros(organisation, written):
    result = run(organisation, [row(income_n2=written)])
    assert [(error.row, error.column) for error in result.errors] == [(2, "income_n2")]
    assert "ambiguous" in result.errors[0].message
    assert not Application.objects.exists()


@pytest.mark.parametrize("written", ["18 000", "18\u00a0000", "18\u202f000", "18000"])
def test_an_income_typed_the_french_way(organisation, written):
    result = run(organisation, [row(income_n2=written)])
    assert result.ok, [str(e) for e in result.errors]
    assert Application.objects.get().income_n2 == 18_000


def test_an_overseas_phone_is_stored_under_its_country_code(organisation):
    result = run(organisation, [row(phone="0690 62 90 42")])
    assert result.ok, [str(e) for e in result.errors]
    assert Application.objects.get().phone == "+590690629042"


# --- The N-2 income's tax year and the DALO decision date (issue 7 §2) -------------------------


def test_the_income_year_and_the_dalo_decision_date_are_imported(organisation):
    rows = [
        row(income_n2_year="2023", dalo_decided_on="12/03/2025"),
        row(registration_number="0372024000102", priority_criteria="", income_n2_year=""),
    ]
    result = run(organisation, rows, columns=[*ROW, "income_n2_year", "dalo_decided_on"])
    assert result.ok, [str(e) for e in result.errors]
    dalo, other = Application.objects.order_by("registration_number")
    assert (dalo.income_n2_year, dalo.dalo_decided_on) == (2023, dt.date(2025, 3, 12))
    # An empty year is this year's N-2, as in the form; no date without the criterion.
    assert (other.income_n2_year, other.dalo_decided_on) == (current_income_year(), None)
    again = run(organisation, [row(income_n2_year="2024", dalo_decided_on="12/03/2025")])
    assert (again.updated, Application.objects.get(pk=dalo.pk).income_n2_year) == (1, 2024)
    assert (
        "income_n2_year"
        in AuditEvent.objects.filter(action="application.imported").first().changes["fields"]
    )


def test_a_bad_income_year_or_dalo_date_names_its_row_and_column(organisation):
    next_year = dt.date.today().year + 1
    rows = [
        row(registration_number="A1", income_n2_year="deux mille vingt"),
        row(registration_number="A2", income_n2_year=str(dt.date.today().year)),
        row(registration_number="A3", income_n2_year="1789"),
        row(registration_number="A4", dalo_decided_on="31/02/2025"),
        row(registration_number="A5", dalo_decided_on=f"01/01/{next_year}"),
        row(registration_number="A6", priority_criteria="eviction", dalo_decided_on="12/03/2025"),
    ]
    result = run(organisation, rows, columns=[*ROW, "income_n2_year", "dalo_decided_on"])
    found = [(error.row, error.column) for error in result.errors]
    assert found == [
        (2, "income_n2_year"),
        (3, "income_n2_year"),
        (4, "income_n2_year"),
        (5, "dalo_decided_on"),
        (6, "dalo_decided_on"),
        (7, "dalo_decided_on"),
    ]
    messages = [error.message for error in result.errors]
    assert "not declared yet" in messages[1] and "future" in messages[4]
    assert "“dalo” priority criterion" in messages[5]
    assert not Application.objects.exists()


def test_dropping_dalo_from_an_application_with_a_decision_date_is_refused(organisation):
    assert run(organisation, [row(dalo_decided_on="12/03/2025")]).ok
    columns = [name for name in ROW if name != "dalo_decided_on"]
    result = run(organisation, [row(priority_criteria="eviction")], columns=columns)
    assert [(error.row, error.column) for error in result.errors] == [(2, "priority_criteria")]
    assert Application.objects.get().priority_criteria == ["dalo", "eviction"]


def test_children_under_14_and_urban_renewal_rehousing_are_imported(organisation):
    """Both count in the first-quartile indicator (0.3 consumption unit per child under 14;
    urban-renewal rehousing counted): a file that gives them stores them, export included."""
    columns = [*ROW, "members_under_14", "urban_renewal_rehousing"]
    rows = [row(members_under_14="2", urban_renewal_rehousing="oui")]
    result = run(organisation, rows, columns=columns)
    assert result.ok, [str(e) for e in result.errors]
    imported = Application.objects.get()
    assert (imported.members_under_14, imported.urban_renewal_rehousing) == (2, True)
    bad = run(
        organisation,
        [
            row(registration_number="B1", members_under_14="3"),
            row(registration_number="B2", members_under_14="deux"),
        ],
        columns=columns,
    )
    assert [(error.row, error.column) for error in bad.errors] == [
        (2, "members_under_14"),
        (3, "members_under_14"),
    ]
    assert "fewer than the persons (3)" in bad.errors[0].message
    assert Application.objects.count() == 1


def test_the_fields_of_the_national_form_cerfa_14069_are_accepted(organisation):
    """A file whose header names the fields of CERFA 14069 (docs/cerfa-14069-mapping.md),
    with or without accents, and its reasons as the form words them."""
    cerfa = {
        "Numéro unique": "0372024000500",
        "Date de dépôt": "15/01/2023",
        "Prénom du demandeur": "Samia",
        "NOM DU DEMANDEUR": "Benali",
        "Date de naissance du demandeur": "01/06/1985",
        "Telephone": "06 12 34 56 78",
        "Nombre de personnes à loger": "3",
        "Nombre de personnes a charge": "2",
        "Vie en couple": "non",
        "Revenu fiscal de référence N-2": "18 000",
        "Total des ressources mensuelles": "1 350,00",
        "Situation de logement actuelle": "hébergé",
        "Motifs de la demande": "sans-logement; expulsion",
        "Communes souhaitées": "37261",
        "Types de logement recherchés": "T3",
        "Loyer maximum": "520",
    }
    result = run(organisation, [cerfa])
    assert result.ok, result.errors
    application = Application.objects.get(registration_number="0372024000500")
    assert (application.applicant_last_name, application.persons, application.dependants) == (
        "Benali",
        3,
        2,
    )
    assert (application.income_n2, application.monthly_resources_cents) == (18_000, 135_000)
    assert application.priority_criteria == ["no_housing", "eviction"]
    assert application.housing_situation == "hosted"
    assert application.max_rent_cents == 52_000
    assert list(application.wished_communes.values_list("code", flat=True)) == ["37261"]
