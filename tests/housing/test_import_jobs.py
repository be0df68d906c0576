"""Large imports run as background jobs: progress, result, all or nothing even if the worker
dies; sensitive columns need the ability to see them (issue 19 §3 and §4)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.core import audit
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing.io import jobs, writing
from relais.housing.models import (
    Building,
    Dwelling,
    ImportJob,
    ImportStatus,
    ImportUndo,
    Occupant,
    Residence,
)

from ..factories import CommuneFactory, HouseholdFactory, OccupantFactory
from .test_import_export import OCCUPANT_ROW, csv_file, messages, run, stock_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tours(db):
    return CommuneFactory()


@pytest.fixture
def in_background(settings):
    settings.IMPORT_BACKGROUND_BYTES = 0  # every upload becomes a job


def stock_rows(count, **changes):
    return [
        stock_row(building_reference=f"BAT{n // 10}", dwelling_reference=f"LOG{n}", **changes)
        for n in range(count)
    ]


def post(client, url_name, data, capture):
    with capture(execute=True):
        return client.post(reverse(url_name), data)


# --- Background jobs ---------------------------------------------------------------------------


def test_a_large_file_is_imported_by_a_job_with_a_progress_then_result_page(
    member_factory, organisation, tours, in_background, django_capture_on_commit_callbacks
):
    user, client = member_factory(Role.DIRECTOR)
    upload = csv_file(stock_rows(25))

    response = post(
        client,
        "housing:import",
        {"kind": "stock", "file": upload},
        django_capture_on_commit_callbacks,
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "housing:import_job", args=[job.pk]
    )
    assert (job.status, job.rows_total, job.rows_done, job.created_by) == (
        ImportStatus.SUCCEEDED,
        25,
        25 + 3 + 1,  # dwellings, buildings, residence
        user,
    )
    assert job.data == b"" and not ImportUndo.objects.exists()
    assert Dwelling.objects.count() == 25
    event = AuditEvent.objects.get(action="housing.imported")
    assert event.changes["created"] == {"residence": 1, "building": 3, "dwelling": 25}
    page = client.get(response.url)
    assert page.status_code == 200
    assert b'data-testid="import-result"' in page.content and b"hx-trigger" not in page.content


def test_progress_page_polls_while_the_job_runs(owner_client, organisation):
    job = ImportJob.objects.create(
        organisation=organisation,
        kind="stock",
        filename="gros.csv",
        status=ImportStatus.RUNNING,
        rows_total=1000,
        rows_done=400,
    )
    url = reverse("housing:import_job", args=[job.pk])

    page = owner_client.get(url)
    partial = owner_client.get(url, headers={"HX-Request": "true"})

    assert page.status_code == 200 and b'value="40"' in page.content
    assert b'hx-trigger="every 1s"' in partial.content and b"<html" not in partial.content
    assert b"<script" not in partial.content


def test_job_with_errors_writes_nothing_and_shows_them(
    owner_client, organisation, tours, in_background, django_capture_on_commit_callbacks
):
    rows = stock_rows(20)
    rows[7]["typology"] = "T9"
    response = post(
        owner_client,
        "housing:import",
        {"kind": "stock", "file": csv_file(rows)},
        django_capture_on_commit_callbacks,
    )

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and not Dwelling.objects.exists()
    page = owner_client.get(response.url)
    assert b'data-testid="import-errors"' in page.content
    assert "K9" in page.content.decode()


def test_a_failure_half_way_undoes_the_committed_batches(organisation, tours, monkeypatch):
    """Batches commit one by one; a crash after some of them takes them all back."""
    monkeypatch.setattr(writing, "JOB_BATCH_SIZE", 10)
    existing = run(organisation, "stock", csv_file(stock_rows(5)))
    assert existing.ok
    job = ImportJob.objects.create(organisation=organisation, kind="stock", filename="x.csv")
    original_bulk_create = Dwelling.objects.bulk_create
    calls = []

    def failing_bulk_create(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return original_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Dwelling.objects, "bulk_create", failing_bulk_create)
    rows = stock_rows(45, rent="999")  # 5 updated, 40 created in batches of 10
    before = sorted(Dwelling.objects.values_list("reference", "rent_cents"))

    with pytest.raises(RuntimeError):
        run(organisation, "stock", csv_file(rows), job=job)

    assert calls == [10, 10, 10]  # two batches of new dwellings were committed, then undone
    assert sorted(Dwelling.objects.values_list("reference", "rent_cents")) == before
    assert Building.objects.count() == 1 and Residence.objects.count() == 1
    assert not ImportUndo.objects.exists()


def test_a_job_whose_worker_died_is_undone_by_the_recovery(organisation, tours, monkeypatch):
    """Simulated death: batches committed with their journal, then the process vanished."""
    monkeypatch.setattr(writing, "JOB_BATCH_SIZE", 10)
    run(organisation, "stock", csv_file(stock_rows(3)))
    job = ImportJob.objects.create(
        organisation=organisation, kind="stock", filename="x.csv", status=ImportStatus.RUNNING
    )

    def die(*args, **kwargs):
        raise SystemExit  # nothing after this runs: not the undo, not the job's end

    monkeypatch.setattr(audit, "_append", die)
    monkeypatch.setattr(writing, "undo", lambda job: None)
    monkeypatch.setattr("relais.housing.io.service.undo", lambda job: None)
    with pytest.raises(SystemExit):
        run(organisation, "stock", csv_file(stock_rows(30, rent="999")), job=job)
    assert Dwelling.objects.count() == 30  # what a dead worker leaves behind
    # 3 dwellings updated, 27 created, 2 buildings created (BAT0 and the residence unchanged)
    assert ImportUndo.objects.filter(job=job).count() == 30 + 2

    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert jobs.recover_interrupted() == [job.pk]

    job.refresh_from_db()
    # In the uploader's language (the job keeps it): French by default.
    assert job.status == ImportStatus.FAILED and "interrompu" in job.result["errors"][0][2]
    assert Dwelling.objects.count() == 3
    assert set(Dwelling.objects.values_list("rent_cents", flat=True)) == {123456}
    assert not ImportUndo.objects.exists()
    assert jobs.recover_interrupted() == []  # a fresh or finished job is left alone


def test_job_page_of_another_organisation_is_404_and_needs_the_import_ability(
    organisation, other_organisation, member_factory, outsider_client, readonly_client
):
    job = ImportJob.objects.create(organisation=organisation, kind="stock", filename="x.csv")
    url = reverse("housing:import_job", args=[job.pk])
    assert outsider_client.get(url).status_code == 404
    assert readonly_client.get(url).status_code == 403


# --- Sensitive columns (§4) ----------------------------------------------------------------------


SENSITIVE = ("has_disability", "lives_alone", "vulnerability_consent", "consent_recorded_on")


@pytest.mark.parametrize("column", SENSITIVE)
def test_a_director_cannot_import_sensitive_columns(member_factory, organisation, column):
    household = HouseholdFactory(organisation=organisation, reference="MEN1")
    OccupantFactory(
        household=household,
        first_name="Jeanne",
        last_name="Martin",
        birth_date=dt.date(1941, 5, 12),
        vulnerability_consent=False,
    )
    _user, client = member_factory(Role.DIRECTOR)  # a director has no household.view_sensitive
    row = {name: value for name, value in OCCUPANT_ROW.items() if name not in SENSITIVE}
    # Probing the register: a consent without its date would say whether Jeanne is on it.
    row |= {column: "oui" if column != "consent_recorded_on" else ""}

    response = client.post(
        reverse("housing:import"), {"kind": "households", "file": csv_file([row])}
    )

    assert response.status_code == 422
    errors = response.context["result"].errors
    assert [error.row for error in errors] == [1]  # the header only: no row was checked
    assert column in errors[0].message and "date" not in errors[0].message
    assert not Occupant.objects.filter(vulnerability_consent=True).exists()
    assert not AuditEvent.objects.filter(action="housing.imported").exists()


def test_sensitive_columns_are_refused_before_any_row_is_checked(organisation):
    row = {**OCCUPANT_ROW, "consent_recorded_on": ""}  # would be "a consent needs its date"
    result = run(organisation, "households", csv_file([row]), sensitive=False)
    (error,) = result.errors
    assert error.row == 1 and "has_disability, lives_alone" in error.message
    assert "date" not in error.message


def test_the_import_event_lists_the_fields_it_changed(member_factory, organisation):
    household = HouseholdFactory(organisation=organisation, reference="MEN1", name="Famille Martin")
    occupant = OccupantFactory(
        household=household,
        first_name="Jeanne",
        last_name="Martin",
        birth_date=dt.date(1941, 5, 12),
        lives_alone=False,
    )
    result = run(
        organisation,
        "households",
        csv_file(
            [
                {
                    **OCCUPANT_ROW,
                    "lives_alone": "oui",
                    "vulnerability_consent": "non",
                    "consent_recorded_on": "",
                }
            ]
        ),
    )
    assert result.ok, messages(result)

    event = AuditEvent.objects.get(action="housing.imported")
    occupant.refresh_from_db()
    assert occupant.lives_alone is True
    assert "lives_alone" in event.changes["fields"]["occupant"]
    assert "has_disability" not in event.changes["fields"]["occupant"]  # unchanged
    assert event.changes["fields"]["household"] == []
