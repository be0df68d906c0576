"""On a file-based SQLite database, another organisation's writes never fail while an
applications import runs (issue 19 §3): runs ``bench/imports.py --kind applications
--concurrent`` on a small file in a subprocess, on a copy of the (migrated) test database (as
tests/housing does for the stock)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..sqlite_copy import SQLITE_SUITE_ONLY, copy_test_database

ROOT = Path(__file__).resolve().parents[2]


@SQLITE_SUITE_ONLY
@pytest.mark.django_db(transaction=True)
def test_other_organisations_writes_never_fail_during_an_applications_import(tmp_path):
    copy_test_database(tmp_path / "imports.sqlite3")
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "imports.py"),
            *("--kind", "applications", "--rows", "1500", "--concurrent"),
            *("--database", str(tmp_path / "imports.sqlite3")),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    assert "applications job (batches), other org writing" in completed.stdout
    meanwhile = re.findall(r"(\d+) writes\s+(\d+) failed", completed.stdout)
    assert len(meanwhile) == 2, completed.stdout  # one transaction, then a background job
    assert all(int(done) > 0 and int(failed) == 0 for done, failed in meanwhile), completed.stdout
