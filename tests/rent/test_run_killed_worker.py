"""The rent run survives ``kill -9`` of its worker: a real ``manage.py db_worker`` process is
killed in the middle of the run, the recovery queues the run again, a new worker finishes it,
and every lease has exactly one call for the month.

The world is written in the test database, then copied into a file that the worker processes
open (SQLite's backup API), which spares a full ``migrate`` in the subprocess.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relais.housing.models import Dwelling, Household, Lease

from ..factories import BuildingFactory
from ..sqlite_copy import SQLITE_SUITE_ONLY, copy_test_database
from .conftest import MONTH

ROOT = Path(__file__).resolve().parents[2]
LEASES = 600
pytestmark = SQLITE_SUITE_ONLY


def _world(organisation):
    building = BuildingFactory(residence__organisation=organisation)
    dwellings = Dwelling.objects.bulk_create(
        Dwelling(
            organisation=organisation,
            building=building,
            reference=f"K{i:05d}",
            typology="T3",
            surface="60.00",
            floor=1,
            financing="PLUS",
            rent_cents=40_000,
        )
        for i in range(LEASES)
    )
    households = Household.objects.bulk_create(
        Household(organisation=organisation, reference=f"M{i:05d}", name=f"Famille {i}")
        for i in range(LEASES)
    )
    Lease.objects.bulk_create(
        Lease(
            organisation=organisation,
            dwelling=d,
            household=h,
            reference=f"B{i:05d}",
            start_date=MONTH.replace(year=2020),
            rent_cents=40_000,
            charges_cents=5_000,
        )
        for i, (d, h) in enumerate(zip(dwellings, households, strict=False))
    )


def _manage(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, **kwargs)


def _run_row(path):
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT status, leases_done, leases_total, calls_created FROM rent_rentrun"
        ).fetchone()


def _calls(path):
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT lease_id) FROM rent_rentcall WHERE month = ?",
            [MONTH.isoformat()],
        ).fetchone()


@pytest.mark.django_db(transaction=True)
def test_kill_9_in_the_middle_then_resume(organisation, tmp_path):
    _world(organisation)
    path = tmp_path / "killed.sqlite3"
    copy_test_database(path)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{path}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "RELAIS_RENT_RUN_BATCH": "10",
        "RELAIS_RENT_RUN_PAUSE_MS": "40",
    }
    start = (
        "import datetime as dt; from relais.core.models import Organisation; "
        "from relais.rent.run import rent_run_start; "
        f"rent_run_start(organisation=Organisation.objects.get(pk={organisation.pk}), "
        f"actor=None, month=dt.date.fromisoformat('{MONTH.isoformat()}'))"
    )
    assert _manage(env, "shell", "-c", start).wait(120) == 0
    worker = _manage(
        env,
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.1",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        row = _run_row(path)
        if row and row[1] >= LEASES // 4:
            break
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(30)
    status, done, total, created = _run_row(path)
    assert status == "running" and 0 < done < total == LEASES  # killed in the middle
    assert _calls(path) == (created, created)  # committed batches only, with their cursor

    env["RELAIS_RENT_RUN_STALE_SECONDS"] = "0"
    env["RELAIS_RENT_RUN_PAUSE_MS"] = "0"
    recover = "from relais.rent.run import recover_interrupted; print(recover_interrupted())"
    assert _manage(env, "shell", "-c", recover).wait(120) == 0
    assert _manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload").wait(300) == 0
    status, done, total, created = _run_row(path)
    assert (status, done, created) == ("done", LEASES, LEASES)
    assert _calls(path) == (LEASES, LEASES)
