"""The income-ceiling table: CSV load (idempotent, all-or-nothing), command and admin."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from relais.allocation.eligibility.ceilings import DATA_FILE, CeilingFileError, load_income_ceilings
from relais.allocation.models import IncomeCeiling
from relais.core.audit import verify_all
from relais.core.models import AuditEvent
from relais.housing.models import Zone

ROWS = DATA_FILE.read_text(encoding="utf-8").splitlines()
HEADER, DATA = ROWS[0], ROWS[1:]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write(tmp_path, lines, name="ceilings.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line_of(prefix: str) -> int:
    """Line number (header = 1) of the first data row starting with ``prefix``."""
    return next(n for n, row in enumerate(ROWS, start=1) if row.startswith(prefix))


def test_shipped_file_loads_every_table(db):
    counts = load_income_ceilings()

    assert counts == {"created": 252, "updated": 0, "unchanged": 0}
    tables = set(IncomeCeiling.objects.values_list("year", "financing").distinct())
    assert tables == {(y, "PLAI") for y in (2020, 2021, 2022, 2023, 2024)} | {
        (y, "PLUS") for y in range(2020, 2027)
    }
    extra = IncomeCeiling.objects.get(
        year=2026, financing="PLUS", zone=Zone.PARIS_ADJOINING, category=7
    )
    assert extra.ceiling_eur == 9394
    assert "29 July 1987" in extra.source
    event = AuditEvent.objects.get(action="income_ceilings.loaded")
    assert event.changes == {
        "file": "income_ceilings.csv",
        "created": 252,
        "updated": 0,
        "unchanged": 0,
    }


def test_loading_twice_changes_nothing(db):
    load_income_ceilings()
    events = AuditEvent.objects.count()

    assert load_income_ceilings() == {"created": 0, "updated": 0, "unchanged": 252}
    assert AuditEvent.objects.count() == events


def test_a_corrected_row_is_updated_in_place(db, tmp_path):
    load_income_ceilings()
    corrected = edit("2026,PLUS,paris_limitrophes,1,", ",26920,", ",26921,")(ROWS)

    counts = load_income_ceilings(write(tmp_path, corrected))

    assert counts == {"created": 0, "updated": 1, "unchanged": 251}
    row = IncomeCeiling.objects.get(
        year=2026, financing="PLUS", zone=Zone.PARIS_ADJOINING, category=1
    )
    assert row.ceiling_eur == 26921
    assert AuditEvent.objects.filter(action="income_ceilings.loaded").count() == 2
    assert verify_all()[1] == []


def edit(prefix: str, old: str, new: str):
    """A change of the file: in the row starting with ``prefix``, ``old`` becomes ``new``."""
    return lambda rows: [r.replace(old, new, 1) if r.startswith(prefix) else r for r in rows]


TYPO = "2022,PLAI,paris_limitrophes,2,"
PLS_ROW = "2024,PLUS,autres_regions,4,"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            edit(TYPO, ",21805,", ",218805,"),
            f"Line {line_of(TYPO)}: the ceiling of category 2 (218805) is above the next "
            "category's (28582): a typo?",
        ),
        (
            edit(PLS_ROW, "PLUS", "PLS"),
            f"Line {line_of(PLS_ROW)}: financing must be PLAI, PLUS or PLI (PLS is derived from "
            "PLUS), not « PLS ».",
        ),
        (
            edit("2020,PLAI,paris_limitrophes,1,", "13207", "13 207"),
            "Line 2: ceiling must be a whole number from 1 to 1000000, not « 13 207 ».",
        ),
        (lambda rows: [*rows, rows[5]], f"Line {len(ROWS) + 1}: same row as line 6."),
        (
            lambda rows: [r for r in rows if not r.startswith("2025,PLUS,ile_de_france,extra,")],
            "PLUS 2025, ile_de_france: missing categories extra.",
        ),
        (
            edit("2026,PLUS,paris_limitrophes,3,", "paris_limitrophes", "paris"),
            "zone must be one of paris_limitrophes, ile_de_france, autres_regions, not « paris ».",
        ),
        (
            edit("year,", "ceiling_eur", "amount"),
            "Line 1: the columns must be year,financing,zone,category,ceiling_eur,source.",
        ),
        (lambda rows: rows[:1], "The file has no ceiling rows."),
    ],
    ids=["typo", "pls-row", "not-a-number", "duplicate", "incomplete", "zone", "header", "empty"],
)
def test_a_bad_file_names_each_problem_and_writes_nothing(db, tmp_path, change, message):
    load_income_ceilings()
    before = list(IncomeCeiling.objects.values_list("pk", "ceiling_eur", "source"))
    path = write(tmp_path, change(ROWS))

    with pytest.raises(CeilingFileError) as error:
        load_income_ceilings(path)

    assert any(message in line for line in error.value.errors), error.value.errors
    assert list(IncomeCeiling.objects.values_list("pk", "ceiling_eur", "source")) == before


def test_a_bad_file_loads_nothing_even_into_an_empty_table(db, tmp_path):
    bad = [*ROWS, "2027,PLUS,autres_regions,1,abc,typo"]

    with pytest.raises(CeilingFileError):
        load_income_ceilings(write(tmp_path, bad))
    assert not IncomeCeiling.objects.exists()


def test_command_loads_and_reports(db, tmp_path, capsys):
    call_command("load_income_ceilings")
    assert "252 created, 0 updated, 0 unchanged" in capsys.readouterr().out

    bad = write(tmp_path, [HEADER, "2027,PLUS,autres_regions,1,-5,x"])
    with pytest.raises(CommandError) as error:
        call_command("load_income_ceilings", file=bad)
    assert "Line 2: ceiling must be a whole number" in str(error.value)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_income_ceilings", file=tmp_path / "missing.csv")


# Admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(admin_client):
    load_income_ceilings()
    return admin_client


def test_admin_lists_and_edits_ceilings_with_an_audit_event(admin_client):
    ceiling = IncomeCeiling.objects.get(year=2026, financing="PLUS", zone=Zone.OTHER, category=1)
    changelist = reverse("admin:allocation_incomeceiling_changelist")
    assert admin_client.get(changelist, {"year": 2026}).status_code == 200

    url = reverse("admin:allocation_incomeceiling_change", args=[ceiling.pk])
    response = admin_client.post(
        url,
        {
            "year": 2026,
            "financing": "PLUS",
            "zone": Zone.OTHER,
            "category": 1,
            "ceiling_eur": 23500,
            "source": ceiling.source,
        },
    )

    assert response.status_code == 302
    ceiling.refresh_from_db()
    assert ceiling.ceiling_eur == 23500
    event = AuditEvent.objects.get(action="income_ceiling.changed")
    assert event.changes == {"ceiling_eur": 23500}
    assert event.object_id == str(ceiling.pk)


def test_admin_delete_is_audited(admin_client):
    ceiling = IncomeCeiling.objects.get(year=2026, financing="PLUS", zone=Zone.OTHER, category=7)
    url = reverse("admin:allocation_incomeceiling_delete", args=[ceiling.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not IncomeCeiling.objects.filter(pk=ceiling.pk).exists()
    assert AuditEvent.objects.filter(action="income_ceiling.deleted").count() == 1


def test_admin_registers_scoring_grids(admin_client):
    assert admin_client.get(reverse("admin:allocation_scoringgrid_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:allocation_scoringgrid_add")).status_code == 200
