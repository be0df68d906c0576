"""On a file-based SQLite database, another organisation's writes never fail while an import
runs (issue 19 §3): runs ``bench/imports.py --concurrent`` on a small file in a subprocess, on a
copy of the (migrated) test database."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

from ..sqlite_copy import SQLITE_SUITE_ONLY, copy_test_database

ROOT = Path(__file__).resolve().parents[2]


@SQLITE_SUITE_ONLY
@pytest.mark.django_db(transaction=True)
def test_other_organisations_writes_never_fail_during_an_import(tmp_path):
    copy_test_database(tmp_path / "imports.sqlite3")
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "imports.py"),
            *("--rows", "1500", "--concurrent", "--database", str(tmp_path / "imports.sqlite3")),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    meanwhile = re.findall(r"(\d+) writes\s+(\d+) failed", completed.stdout)
    assert len(meanwhile) == 2, completed.stdout  # one transaction, then a background job
    assert all(int(done) > 0 and int(failed) == 0 for done, failed in meanwhile), completed.stdout


def test_sqlite_connections_use_wal_a_30_s_busy_timeout_and_immediate_writes(
    tmp_path, django_db_blocker
):
    """Readers never wait for the writer (WAL); a writer waits for the lock instead of failing
    with "database is locked" (busy timeout); a write transaction takes the lock when it
    begins, so it never fails half-way on a lock upgrade (IMMEDIATE)."""
    configured = settings.DATABASES["default"]
    if configured["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the SQLite settings apply to SQLite only")
    wrapper = DatabaseWrapper({**configured, "NAME": str(tmp_path / "relais.sqlite3")}, "probe")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            timeout_ms = cursor.fetchone()[0]
        assert (mode, timeout_ms) == ("wal", 30_000)
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()
