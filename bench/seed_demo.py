#!/usr/bin/env python
"""Benchmark of ``seed_demo``: the region seed against a bare ``executemany`` of its rows.

    .venv/bin/python bench/seed_demo.py                 # region scale (~1 M rows)
    .venv/bin/python bench/seed_demo.py --scale small   # quick run

Runs on two fresh temporary SQLite files. If ``DATABASE_URL`` points at PostgreSQL, two
fresh databases are created on that server instead (the role needs CREATEDB) and dropped
at the end. Both get the geographic reference data first (``load_geo`` on A, copied to B),
timed separately. Then database A gets the whole seed (generation, inserts, accounts, every
capability's demo rows, audit, commit), timed, while every batch it inserts is recorded;
database B gets exactly the same rows through bare ``cursor.executemany`` calls in one
transaction, timed, without foreign-key checks (the few rows the capabilities write through
the ORM are not replayed).
Targets: region seed ≤ 60 s on SQLite on a fresh database (load_geo included), and
≤ 2× the bare inserts (the ratio is also printed with load_geo counted).
"""

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS, TARGET_RATIO = 60, 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="region", choices=["tiny", "small", "region"])
    parser.add_argument("--seed", type=int, default=2020)
    return parser.parse_args()


@contextlib.contextmanager
def fresh_databases():
    """Yields two DATABASE_URLs of empty databases, removed afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        yield from _postgres_databases(base)
        return
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        yield tuple(f"sqlite:///{Path(tmp) / name}.sqlite3" for name in ("seed", "bare"))


def _postgres_databases(base: str):
    import psycopg

    parts = urlsplit(base)
    names = [f"relais_bench_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("seed", "bare")]
    with psycopg.connect(base, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(base, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


class MigratingRouter:
    """Sends the data migrations' queries to the database being migrated: without it their
    historical models would read ``default`` while ``bare`` is migrated."""

    alias = None

    def db_for_read(self, model, **hints):
        return self.alias

    def db_for_write(self, model, **hints):
        return self.alias


ROUTER = MigratingRouter()


def migrate(alias: str) -> None:
    from django.core.management import call_command

    ROUTER.alias = alias
    try:
        call_command("migrate", database=alias, verbosity=0)
    finally:
        ROUTER.alias = None


def setup_django(seed_url: str, bare_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = seed_url
    import dj_database_url
    import django
    from django.conf import settings

    settings.DATABASE_ROUTERS = [ROUTER]
    django.setup()
    # A second alias, added before any connection is opened.
    settings.DATABASES["bare"] = {
        **settings.DATABASES["default"],
        "NAME": dj_database_url.parse(bare_url)["NAME"],
    }


def copy_geo(source: str, target: str) -> None:
    """Reference tables from the seeded database to the bare one (untimed)."""
    from django.db import connections, transaction

    from relais.housing.models import Commune, Departement, Epci, Region

    for model in (Region, Departement, Epci, Commune):
        columns = [field.column for field in model._meta.concrete_fields]
        quote = connections[target].ops.quote_name
        names = ", ".join(quote(column) for column in columns)
        table = quote(model._meta.db_table)
        with connections[source].cursor() as cursor:
            cursor.execute(f"SELECT {names} FROM {table}")
            rows = cursor.fetchall()
        marks = ", ".join(["%s"] * len(columns))
        with transaction.atomic(using=target), connections[target].cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def without_foreign_keys(using: str) -> None:
    """The extensions also write a few rows through the ORM (categories, contractors, grids)
    that are not replayed: the bare database does not check foreign keys, which makes the
    baseline faster, never slower, than the seed would be with the same checks."""
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
        else:
            cursor.execute("SET session_replication_role = replica")


def bare_executemany(batches, using: str) -> float:
    """The recorded batches through the same cursor as the seed's, in one transaction."""
    from django.db import transaction

    from relais.housing.demo.writer import BulkWriter

    without_foreign_keys(using)
    writer = BulkWriter(using)
    started = time.perf_counter()
    with transaction.atomic(using=using):
        for sql, rows in batches:
            writer.executemany(sql, rows)
        writer.close()
    return time.perf_counter() - started


def run(args) -> None:
    from django.db import connections

    from relais.housing.demo import seed_demo
    from relais.housing.demo.writer import RecordingWriter
    from relais.housing.geo import load_geo

    for alias in ("default", "bare"):
        migrate(alias)
    vendor = connections["default"].vendor
    started = time.perf_counter()
    load_geo()  # reference data, loaded once per database (as by ``make migrate``)
    geo_seconds = time.perf_counter() - started
    copy_geo("default", "bare")
    writer = RecordingWriter()
    started = time.perf_counter()
    result = seed_demo(scale=args.scale, seed=args.seed, writer=writer)
    seed_seconds = time.perf_counter() - started
    bare_seconds = bare_executemany(writer.batches, "bare")
    rows = sum(len(batch) for _sql, batch in writer.batches)
    ratio = seed_seconds / bare_seconds
    print(f"database: {vendor}")
    print(f"load_geo beforehand: {geo_seconds:.1f} s (not in the figures below)")
    print(f"seed_demo {args.scale}: {seed_seconds:.1f} s, {rows:,} rows", end="")
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.seconds.items())
    print(f" ({parts})")
    print(f"bare executemany: {bare_seconds:.1f} s")
    print(f"ratio: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    fresh = seed_seconds + geo_seconds
    print(f"fresh database, load_geo counted: {fresh:.1f} s, ratio {fresh / bare_seconds:.2f}")
    if args.scale == "region" and vendor == "sqlite":
        met = "met" if fresh <= TARGET_SECONDS else "NOT met"
        print(f"target ≤ {TARGET_SECONDS} s: {met}")
    print(f"dwellings: {result.total('dwellings'):,}, occupants: {result.total('occupants'):,}")


def main() -> None:
    args = parse_args()
    with fresh_databases() as (seed_url, bare_url):
        setup_django(seed_url, bare_url)
        run(args)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
