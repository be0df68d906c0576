"""On a file-based SQLite database, another organisation's writes never fail while an
applications import runs (issue 19 §3): runs ``bench/imports.py --kind applications
--concurrent`` on a small file in a subprocess (as tests/housing does for the stock)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_other_organisations_writes_never_fail_during_an_applications_import():
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "imports.py"),
            *("--kind", "applications", "--rows", "1500", "--concurrent"),
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
