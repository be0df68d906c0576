"""The monthly rent run (quittancement): preview, commit as a background job, resume.

One ``INSERT … SELECT`` per batch of leases computes every call in the database (pro rata of
the days occupied, the newest ``RentTerms`` or else the lease's amounts) and skips a lease
that already has its call (``ON CONFLICT DO NOTHING`` on ``rent_call_one_per_month``): a run
done twice, or resumed after its worker was killed, never calls a lease twice. The batch and
the run's cursor (``last_lease_id``) are written in one transaction, so a ``kill -9`` loses at
most the batch in flight, which the next attempt redoes (docs/decisions/0041).
"""

import datetime as dt
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from relais.core import audit
from relais.core.enqueue import enqueue

from .models import RentRun, RunStatus
from .payments import lease_reallocate, leases_with_credit
from .rules import month_bounds

TASK = "relais.rent.tasks.run_rent_run"


def _days_sql(vendor: str) -> str:
    """Days of the month the lease covers: last − first + 1 (params: first, last ×2)."""
    if vendor == "postgresql":
        return (
            "(LEAST(COALESCE(l.end_date, %(last)s::date), %(last)s::date)"
            " - GREATEST(l.start_date, %(first)s::date) + 1)"
        )
    return (
        "(CAST(julianday(MIN(COALESCE(l.end_date, %(last)s), %(last)s))"
        " - julianday(MAX(l.start_date, %(first)s)) AS INTEGER) + 1)"
    )


def _source_sql(vendor: str) -> str:
    """One row per lease of the month with its days and monthly amounts."""
    return f"""
        SELECT l.id AS lease_id, l.organisation_id, {_days_sql(vendor)} AS days,
               COALESCE(t.rent_cents, l.rent_cents) AS rent,
               COALESCE(t.charges_cents, l.charges_cents) AS charges,
               COALESCE(t.benefit_cents, l.housing_benefit_cents) AS benefit,
               COALESCE(t.rls_cents, 0) AS rls
        FROM housing_lease l
        LEFT JOIN rent_rentterms t ON t.lease_id = l.id AND t.valid_from = (
            SELECT MAX(t2.valid_from) FROM rent_rentterms t2
            WHERE t2.lease_id = l.id AND t2.valid_from <= %(first)s)
        WHERE l.organisation_id = %(org)s AND l.start_date <= %(last)s
          AND (l.end_date IS NULL OR l.end_date >= %(first)s)
          AND l.id > %(after)s AND l.id <= %(upto)s
    """


def _pr(column: str) -> str:
    return f"(({column} * s.days * 2 + %(md)s) / (2 * %(md)s))"


def insert_sql(vendor: str) -> str:
    """The batch's ``INSERT … SELECT`` (params: org, first, last, md, after, upto, run)."""
    net = f"{_pr('s.rent')} + {_pr('s.charges')} - {_pr('s.benefit')} - {_pr('s.rls')}"
    greatest = "GREATEST" if vendor == "postgresql" else "MAX"
    return f"""
        INSERT INTO rent_rentcall (organisation_id, lease_id, month, days, month_days,
            rent_cents, charges_cents, benefit_cents, rls_cents, amount_cents, paid_cents, run_id)
        SELECT s.organisation_id, s.lease_id, %(first)s, s.days, %(md)s,
            {_pr("s.rent")}, {_pr("s.charges")}, {_pr("s.benefit")}, {_pr("s.rls")},
            {greatest}(0, {net}), 0, %(run)s
        FROM ({_source_sql(vendor)}) s
        WHERE true
        ON CONFLICT (lease_id, month) DO NOTHING
    """


def _params(organisation_id, month, *, after=0, upto=2**62, run=None) -> dict:
    first, last, days = month_bounds(month)
    return {
        "org": organisation_id,
        "first": first,
        "last": last,
        "md": days,
        "after": after,
        "upto": upto,
        "run": run,
    }


@dataclass
class Totals:
    label: str
    leases: int
    due_cents: int


def preview(organisation, month: dt.date) -> dict:
    """What the run would call: totals overall, by agency and by residence (two grouped
    queries), and how many leases already have their call this month.
    Shape: {"leases", "due_cents", "already", "agencies": [Totals], "residences": [Totals]}."""
    vendor = connection.vendor
    net = f"{_pr('s.rent')} + {_pr('s.charges')} - {_pr('s.benefit')} - {_pr('s.rls')}"
    greatest = "GREATEST" if vendor == "postgresql" else "MAX"
    base = f"""
        SELECT {{key}}, COUNT(*), SUM({greatest}(0, {net}))
        FROM ({_source_sql(vendor)}) s
        JOIN housing_lease l2 ON l2.id = s.lease_id
        JOIN housing_dwelling d ON d.id = l2.dwelling_id
        JOIN housing_building b ON b.id = d.building_id
        JOIN housing_residence r ON r.id = b.residence_id
        LEFT JOIN core_agency a ON a.id = r.agency_id
        GROUP BY {{group}} ORDER BY {{order}}
    """
    params = _params(organisation.pk, month)
    result = {"agencies": [], "residences": []}
    with connection.cursor() as cursor:
        cursor.execute(base.format(key="a.name", group="a.name", order="a.name"), params)
        result["agencies"] = [Totals(name or "", n, due or 0) for name, n, due in cursor]
        cursor.execute(
            base.format(key="r.name", group="r.id, r.name", order="r.name, r.id"), params
        )
        result["residences"] = [Totals(name, n, due or 0) for name, n, due in cursor]
        cursor.execute(
            "SELECT COUNT(*) FROM rent_rentcall WHERE organisation_id = %s AND month = %s",
            [organisation.pk, params["first"]],
        )
        result["already"] = cursor.fetchone()[0]
    result["leases"] = sum(t.leases for t in result["agencies"])
    result["due_cents"] = sum(t.due_cents for t in result["agencies"])
    return result


def rent_run_start(*, organisation, actor, month: dt.date) -> RentRun:
    """Commit the month's run: a new job queued once committed, or the month's unfinished job
    (a double submit starts nothing twice)."""
    first = month.replace(day=1)
    with transaction.atomic():
        running = (
            RentRun.objects.for_organisation(organisation)
            .filter(month=first)
            .exclude(status=RunStatus.DONE)
            .first()
        )
        if running:
            return running
        run = RentRun.objects.create(
            organisation=organisation,
            month=first,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit.record(
            organisation=organisation,
            actor=actor,
            action="rent_run.started",
            obj=run,
            changes={"month": first.isoformat()},
        )
        transaction.on_commit(lambda: enqueue(TASK, run.pk))
    return run


def _next_upto(run: RentRun, batch: int) -> int | None:
    """The highest lease id of the next batch (None: nothing left)."""
    first, last, _days = month_bounds(run.month)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MAX(id) FROM (SELECT id FROM housing_lease WHERE organisation_id = %s"
            " AND id > %s AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)"
            " ORDER BY id LIMIT %s) x",
            [run.organisation_id, run.last_lease_id, last, first, batch],
        )
        return cursor.fetchone()[0]


def _count_leases(run: RentRun) -> int:
    first, last, _days = month_bounds(run.month)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM housing_lease WHERE organisation_id = %s"
            " AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)",
            [run.organisation_id, last, first],
        )
        return cursor.fetchone()[0]


def rent_run_execute(run_id: int) -> None:
    """Run (or resume) a queued job: claimed once, then batch after batch from its cursor."""
    now = timezone.now()
    if not RentRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, heartbeat_at=now
    ):
        return
    run = RentRun.objects.get(pk=run_id)
    if not run.leases_total:
        run.leases_total = _count_leases(run)
        RentRun.objects.filter(pk=run.pk).update(leases_total=run.leases_total)
    batch = settings.RELAIS_RENT_RUN_BATCH
    sql = insert_sql(connection.vendor)
    while (upto := _next_upto(run, batch)) is not None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    _params(
                        run.organisation_id,
                        run.month,
                        after=run.last_lease_id,
                        upto=upto,
                        run=run.pk,
                    ),
                )
                created = max(cursor.rowcount, 0)
            done = _count_between(run, run.last_lease_id, upto)
            RentRun.objects.filter(pk=run.pk).update(
                last_lease_id=upto,
                leases_done=run.leases_done + done,
                calls_created=run.calls_created + created,
                heartbeat_at=timezone.now(),
            )
        run.refresh_from_db()
        if settings.RELAIS_RENT_RUN_PAUSE_MS:
            time.sleep(settings.RELAIS_RENT_RUN_PAUSE_MS / 1000)
    _finish(run)


def _count_between(run: RentRun, after: int, upto: int) -> int:
    first, last, _days = month_bounds(run.month)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM housing_lease WHERE organisation_id = %s AND id > %s"
            " AND id <= %s AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)",
            [run.organisation_id, after, upto, last, first],
        )
        return cursor.fetchone()[0]


def _finish(run: RentRun) -> None:
    """Close the run; tenants' credits (paid ahead) go to the calls just issued."""
    with transaction.atomic():
        for lease_id in leases_with_credit(run.organisation_id):
            lease_reallocate(lease_id)
        RentRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, finished_at=timezone.now(), leases_done=run.leases_total
        )
        audit.record(
            organisation=run.organisation,
            actor=None,
            action="rent_run.finished",
            obj=run,
            changes={"month": run.month.isoformat(), "calls": run.calls_created},
        )


def recover_interrupted(now=None) -> list[int]:
    """Queue again the runs whose worker died (no heartbeat for ``RELAIS_RENT_RUN_STALE_SECONDS``):
    they resume after their cursor."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.RELAIS_RENT_RUN_STALE_SECONDS)
    resumed = []
    for run in RentRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=stale):
        if RentRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, heartbeat_at=run.heartbeat_at
        ).update(status=RunStatus.QUEUED):
            enqueue(TASK, run.pk)
            resumed.append(run.pk)
    return resumed
