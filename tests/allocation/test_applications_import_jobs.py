"""A large applications file is imported by a background job in short batches, each with the
journal that takes it back: a failure or a dead worker leaves the applications, their wishes,
priorities, incomes and scores exactly as they were (issue 19 §3, docs/decisions/0029)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.applications.io import applications_import
from relais.allocation.models import Application, ApplicationScore
from relais.allocation.scoring import services as scoring
from relais.core import audit
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing.io import jobs, writing
from relais.housing.models import ImportJob, ImportStatus, ImportUndo

from ..factories import CommuneFactory
from .test_applications_import import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def communes(db):
    return CommuneFactory(), CommuneFactory(code="37122", name="Joué-lès-Tours")


def rows(count, start=0, **changes):
    return [row(registration_number=f"03720240{n:05d}", **changes) for n in range(start, count)]


def run(organisation, rows, job=None):
    return applications_import(organisation=organisation, actor=None, file=csv_file(rows), job=job)


def snapshot(organisation):
    """Every stored value of the organisation's applications, and their wishes in order."""
    applications = Application.objects.filter(organisation=organisation).order_by("pk")
    wishes = {
        column: [
            list(
                getattr(application, column)
                .through.objects.filter(application=application)
                .order_by("pk")
                .values_list(f"{target}_id", flat=True)
            )
            for application in applications
        ]
        for column, target in (("wished_communes", "commune"), ("wished_epcis", "epci"))
    }
    # The per-EPCI scores derive from the application and its wishes: an undo rescores them.
    epci_scores = list(
        ApplicationScore.objects.filter(organisation=organisation)
        .order_by("application_id", "epci_id")
        .values_list("application_id", "epci_id", "score", "explanation", "scored_with_id")
    )
    return list(applications.values()), wishes, epci_scores


def test_a_large_applications_file_runs_as_a_job_with_its_progress(
    member_factory, organisation, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_BYTES = 0  # every upload becomes a job
    user, client = member_factory(Role.ALLOCATION_OFFICER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("allocation:application_import"), {"file": csv_file(rows(30))}
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("housing:import_job", args=[job.pk])
    assert (job.kind, job.status, job.rows_total, job.rows_done, job.created_by) == (
        "applications",
        ImportStatus.SUCCEEDED,
        30,
        30,
        user,
    )
    assert job.data == b"" and not ImportUndo.objects.exists()
    assert Application.objects.filter(organisation=organisation).count() == 30
    assert not Application.objects.filter(scored_with__isnull=True).exists()
    event = AuditEvent.objects.get(action="application.imported")
    assert (event.changes["created"], event.changes["updated"]) == (30, 0)
    page = client.get(response.url)
    assert page.status_code == 200 and b'data-testid="import-result"' in page.content


def test_batches_commit_one_by_one_with_their_progress(organisation, monkeypatch):
    monkeypatch.setattr(writing, "JOB_BATCH_SIZE", 10)
    assert run(organisation, rows(5)).ok
    job = ImportJob.objects.create(organisation=organisation, kind="applications", filename="x")
    progress = []
    original = writing.Journal.write

    def watch(journal):
        original(journal)
        progress.append(ImportJob.objects.get(pk=job.pk).rows_done)

    monkeypatch.setattr(writing.Journal, "write", watch)
    # Rows 1-5 unchanged, 6-30 new: batches end at rows 15, 25 and 30.
    result = run(organisation, rows(30), job=job)

    assert result.ok and (result.created, result.updated) == (25, 0)
    assert progress == [0, 15, 25]  # read inside each batch, before its own progress
    assert ImportJob.objects.get(pk=job.pk).rows_done == 30


def existing_then_changes(organisation):
    """Five stored applications, then a file changing their incomes, priorities, wishes and
    so their scores, and creating 40 more (5 batches of 10)."""
    assert run(organisation, rows(5, wished_epcis="243700754")).ok
    changed = rows(
        5,
        income_n2="31 000",
        priority_criteria="",
        wished_communes="37122",
        wished_epcis="",
        documents_received="identity",
    )
    return changed + rows(45, start=5)


def test_a_failure_half_way_gives_back_every_application_wish_and_score(organisation, monkeypatch):
    monkeypatch.setattr(writing, "JOB_BATCH_SIZE", 10)
    file_rows = existing_then_changes(organisation)
    before = snapshot(organisation)
    job = ImportJob.objects.create(organisation=organisation, kind="applications", filename="x")
    original, calls = scoring.score_applications, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return original(*args, **kwargs)

    monkeypatch.setattr(scoring, "score_applications", failing)

    with pytest.raises(RuntimeError):
        run(organisation, file_rows, job=job)

    # Two batches committed (changes and creations), the third failed; undone, then the
    # restored applications rescored (their per-EPCI scores are not in the journal).
    assert len(calls) == 4
    assert snapshot(organisation) == before
    assert not ImportUndo.objects.exists()
    assert AuditEvent.objects.filter(action="application.imported").count() == 1  # the first


def test_a_dead_worker_is_undone_by_the_recovery(organisation, monkeypatch):
    """Simulated death: every batch committed with its journal, then the process vanished."""
    monkeypatch.setattr(writing, "JOB_BATCH_SIZE", 10)
    file_rows = existing_then_changes(organisation)
    before = snapshot(organisation)
    job = ImportJob.objects.create(
        organisation=organisation,
        kind="applications",
        filename="x.csv",
        status=ImportStatus.RUNNING,
    )

    def die(*args, **kwargs):
        raise SystemExit  # nothing after this runs: not the undo, not the job's end

    monkeypatch.setattr(audit, "_append", die)
    monkeypatch.setattr("relais.housing.io.service.undo", lambda job: None)
    with pytest.raises(SystemExit):
        run(organisation, file_rows, job=job)
    half_written = snapshot(organisation)
    assert len(half_written[0]) == 45 and half_written != before
    journal = ImportUndo.objects.filter(job=job)
    assert journal.filter(model="allocation.application").count() == 45  # 5 changed, 40 new
    assert journal.filter(model="allocation.applicationevent").count() == 40  # "registered"

    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert jobs.recover_interrupted() == [job.pk]

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert snapshot(organisation) == before
    assert not ImportUndo.objects.exists()


def test_the_request_import_writes_the_same_as_a_job(organisation, other_organisation):
    """One code path: in the request (one transaction, no journal) or as a job (batches)."""
    job = ImportJob.objects.create(
        organisation=other_organisation, kind="applications", filename="x"
    )
    # Numbers are unique across the platform: the job imports the same rows, numbered on.
    assert run(organisation, rows(5)).ok and run(other_organisation, rows(10, 5), job=job).ok
    changes = {"income_n2": "31 000", "priority_criteria": "", "wished_communes": "37122"}
    assert run(organisation, rows(5, **changes)).ok
    assert run(other_organisation, rows(10, 5, **changes), job=job).ok

    def stored(organisation):
        applications, wishes, epci_scores = snapshot(organisation)
        local = ("id", "organisation_id", "created_at", "updated_at", "scored_at")
        local += ("registration_number", "search")
        scores = [values[1:] for values in epci_scores]  # without the application's id
        return (
            [{k: v for k, v in a.items() if k not in local} for a in applications],
            wishes,
            scores,
        )

    assert stored(organisation) == stored(other_organisation)
    assert not ImportUndo.objects.exists()


def test_an_applications_job_page_needs_the_import_ability_and_the_organisation(
    organisation, member_factory, outsider_client
):
    job = ImportJob.objects.create(organisation=organisation, kind="applications", filename="x")
    url = reverse("housing:import_job", args=[job.pk])
    assert member_factory(Role.ALLOCATION_OFFICER)[1].get(url).status_code == 200
    assert member_factory(Role.DIRECTOR)[1].get(url).status_code == 403  # no allocation.import
    assert outsider_client.get(url).status_code == 404
