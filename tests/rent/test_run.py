"""The rent run: amounts and pro rata computed in SQL, preview totals, idempotence, resume."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.rent import run as rent_run
from relais.rent.models import RentCall, RentRun, RentTerms, RunStatus

from .conftest import MONTH

pytestmark = pytest.mark.django_db


def _calls():
    return {c.lease.reference: c for c in RentCall.objects.select_related("lease")}


def _start(organisation, actor, capture):
    with capture(execute=True):
        return rent_run.rent_run_start(organisation=organisation, actor=actor, month=MONTH)


def test_the_run_calls_each_lease_pro_rata(
    organisation, leases, accountant, django_capture_on_commit_callbacks
):
    RentTerms.objects.create(
        organisation=organisation,
        lease=leases["BAIL-A"],
        valid_from=dt.date(2026, 7, 1),
        rent_cents=46_000,
        charges_cents=8_500,
        benefit_cents=20_000,
        rls_cents=4_000,
    )
    run = _start(organisation, accountant, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.calls_created == 3
    calls = _calls()
    assert set(calls) == {"BAIL-A", "BAIL-B", "BAIL-C"}
    a = calls["BAIL-A"]  # the newest terms, with the RLS
    assert (a.days, a.rent_cents, a.rls_cents, a.amount_cents) == (30, 46_000, 4_000, 30_500)
    b = calls["BAIL-B"]  # in from the 16th: 15 days of 30
    assert (b.days, b.rent_cents, b.charges_cents, b.benefit_cents, b.amount_cents) == (
        15,
        22_500,
        4_000,
        10_000,
        16_500,
    )
    c = calls["BAIL-C"]  # out on the 10th
    assert (c.days, c.amount_cents) == (10, 11_000)


def test_preview_totals_by_agency_and_residence(organisation, leases):
    preview = rent_run.preview(organisation, MONTH)
    assert preview["leases"] == 3 and preview["due_cents"] == 33_000 + 16_500 + 11_000
    assert [(t.label, t.leases) for t in preview["agencies"]] == [("Agence de Tours-Nord", 3)]
    assert [t.label for t in preview["residences"]] == ["Les Tilleuls"]
    assert preview["already"] == 0


def test_a_second_run_of_the_month_calls_nobody_twice(
    organisation, leases, accountant, django_capture_on_commit_callbacks
):
    first = _start(organisation, accountant, django_capture_on_commit_callbacks)
    second = _start(organisation, accountant, django_capture_on_commit_callbacks)
    assert second.pk != first.pk
    second.refresh_from_db()
    assert second.calls_created == 0 and RentCall.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        RentCall.objects.create(
            organisation=organisation,
            lease=leases["BAIL-A"],
            month=MONTH,
            days=30,
            month_days=30,
            rent_cents=1,
            charges_cents=0,
            benefit_cents=0,
            rls_cents=0,
            amount_cents=1,
        )


def test_an_interrupted_run_resumes_after_its_cursor(organisation, leases, settings):
    """A run killed after its first batch: recovery queues it again; it finishes the rest."""
    settings.RELAIS_RENT_RUN_BATCH = 1
    run = RentRun.objects.create(organisation=organisation, month=MONTH)
    # What a worker killed after one batch leaves: the batch committed with its cursor.
    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                rent_run.insert_sql(connection.vendor),
                rent_run._params(
                    organisation.pk, MONTH, after=0, upto=leases["BAIL-A"].pk, run=run.pk
                ),
            )
        RentRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING,
            last_lease_id=leases["BAIL-A"].pk,
            leases_total=3,
            leases_done=1,
            calls_created=1,
            heartbeat_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert rent_run.recover_interrupted() == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.calls_created == 3
    assert RentCall.objects.count() == 3
    assert rent_run.recover_interrupted() == []


def test_a_fresh_running_run_is_not_taken_over(organisation, leases):
    run = RentRun.objects.create(
        organisation=organisation,
        month=MONTH,
        status=RunStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    assert rent_run.recover_interrupted() == []
    rent_run.rent_run_execute(run.pk)  # a second worker: not queued, so not claimed
    assert RentCall.objects.count() == 0
