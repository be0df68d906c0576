"""A file copy of the SQLite test database, for tests that run Relais in another process.

The suite's SQLite database is in memory, already migrated; SQLite's backup API copies it into
a file in a fraction of a second, where a ``migrate`` in the subprocess costs about 40 s of
CPU. Such tests exercise SQLite whatever the suite's database is, so they run in the SQLite
suite only (``SQLITE_SUITE_ONLY``): on PostgreSQL they would repeat the same SQLite run.
"""

import os
import sqlite3

import pytest
from django.db import connection

SQLITE_SUITE_ONLY = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] not in {"sqlite", ""},
    reason="copies the SQLite test database for another process (SQLite suite only)",
)


def copy_test_database(path) -> None:
    """Write the test database as it is now (schema and committed rows) to ``path``."""
    target = sqlite3.connect(path)
    try:
        connection.ensure_connection()
        connection.connection.backup(target)
    finally:
        target.close()
