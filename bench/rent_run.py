#!/usr/bin/env python
"""Benchmark of the monthly rent run and of the notices' PDFs (issue 12 §5).

    .venv/bin/python bench/rent_run.py                        # SQLite (var/bench-rent.sqlite3)
    .venv/bin/python bench/rent_run.py --leases 50000         # a smaller scale
    DATABASE_URL=postgres://… .venv/bin/python bench/rent_run.py

Writes its own landlord with ``--leases`` leases (200,000 by default; 2 % moved in this month,
1 % moved out, so pro rata is exercised) into ``DATABASE_URL`` (a throwaway database!) or
``var/bench-rent.sqlite3``, then in the same run:
- the bare baseline: one hand-written ``INSERT … SELECT`` computing the same amounts (pro rata
  of every component, net of benefit and RLS), no batches, no cursor, no audit;
- the rent run itself (``relais.rent.run.rent_run_execute``: batches, cursor and heartbeat
  written with each batch, ``ON CONFLICT DO NOTHING``, the audit event), checked to give the
  same number of calls and the same total;
- notices per second: ``--notices`` notices rendered as one Typst batch and split into one
  PDF each (what the ZIP does), in one process and in two processes at once; first as the
  first version did (tagged PDF split by pypdf), then as now (untagged batch, pages copied
  byte for byte), so both rates come from the same machine at the same load.
Targets: run ≤ 60 s and ratio ≤ 3 (PostgreSQL); ≥ 50 notices per second on 2 cores.
"""

import argparse
import datetime as dt
import multiprocessing
import time

from region import ROOT, machine, setup_django

TARGET_RUN_S = 60.0
TARGET_RATIO = 3.0
TARGET_NOTICES = 50.0
LANDLORD = "Bailleur du banc d'essai des loyers"
MONTH = dt.date(2026, 11, 1)


def _geo():
    from relais.housing.models import Commune, Departement, Region

    region, _ = Region.objects.get_or_create(code="24", defaults={"name": "Centre-Val de Loire"})
    departement, _ = Departement.objects.get_or_create(
        code="37", defaults={"name": "Indre-et-Loire", "region": region}
    )
    commune, _ = Commune.objects.get_or_create(
        code="37261", defaults={"name": "Tours", "departement": departement, "zone": "B1"}
    )
    return commune


def ensure_world(count: int):
    """The bench landlord with ``count`` leases (written once, set-based)."""
    from django.core.management import call_command

    from relais.core.models import Agency, Organisation
    from relais.housing.models import Building, Dwelling, Household, Lease, Residence

    call_command("migrate", verbosity=0, interactive=False)
    organisation, _ = Organisation.objects.get_or_create(
        slug="banc-loyers", defaults={"name": LANDLORD}
    )
    have = Lease.objects.filter(organisation=organisation).count()
    if have >= count:
        return organisation
    print(f"writing {count - have} leases…", flush=True)
    commune = _geo()
    agencies = [
        Agency.objects.get_or_create(organisation=organisation, name=f"Agence {n}")[0]
        for n in range(4)
    ]
    step = 1000
    for block in range(have // step, count // step):
        residence = Residence.objects.create(
            organisation=organisation,
            reference=f"R{block:04d}",
            name=f"Résidence {block}",
            commune=commune,
            agency=agencies[block % 4],
        )
        building = Building.objects.create(
            organisation=organisation,
            residence=residence,
            reference=f"B{block:04d}",
            address=f"{block} rue du Banc",
            postcode="37000",
            commune=commune,
        )
        ids = range(block * step, (block + 1) * step)
        dwellings = Dwelling.objects.bulk_create(
            Dwelling(
                organisation=organisation,
                building=building,
                reference=f"L{i:07d}",
                typology="T3",
                surface="60.00",
                financing="PLUS",
                rent_cents=40_000,
            )
            for i in ids
        )
        households = Household.objects.bulk_create(
            Household(organisation=organisation, reference=f"M{i:07d}", name=f"Ménage {i}")
            for i in ids
        )
        Lease.objects.bulk_create(
            Lease(
                organisation=organisation,
                dwelling=d,
                household=h,
                reference=f"BL{i:07d}",
                start_date=MONTH.replace(day=16) if i % 50 == 0 else dt.date(2015, 1, 1),
                end_date=MONTH.replace(day=10) if i % 100 == 1 else None,
                rent_cents=30_000 + i % 30_000,
                charges_cents=6_000 + i % 4_000,
                housing_benefit_cents=(i % 3) * 9_000,
            )
            for i, d, h in zip(ids, dwellings, households, strict=True)
        )
    return organisation


def _bare_sql(vendor: str) -> str:
    """The same amounts in one statement, straight from the leases."""
    if vendor == "postgresql":
        days = (
            "(LEAST(COALESCE(l.end_date, %(last)s::date), %(last)s::date)"
            " - GREATEST(l.start_date, %(first)s::date) + 1)"
        )
        top = "GREATEST"
    else:
        days = (
            "(CAST(julianday(MIN(COALESCE(l.end_date, %(last)s), %(last)s))"
            " - julianday(MAX(l.start_date, %(first)s)) AS INTEGER) + 1)"
        )
        top = "MAX"

    def pr(col):
        return f"(({col} * s.days * 2 + %(md)s) / (2 * %(md)s))"

    return f"""
        INSERT INTO rent_rentcall (organisation_id, lease_id, month, days, month_days,
            rent_cents, charges_cents, benefit_cents, rls_cents, amount_cents, paid_cents)
        SELECT s.organisation_id, s.id, %(first)s, s.days, %(md)s, {pr("s.rent_cents")},
            {pr("s.charges_cents")}, {pr("s.housing_benefit_cents")}, 0,
            {top}(0, {pr("s.rent_cents")} + {pr("s.charges_cents")}
                     - {pr("s.housing_benefit_cents")}), 0
        FROM (SELECT l.*, {days} AS days FROM housing_lease l
              WHERE l.organisation_id = %(org)s AND l.start_date <= %(last)s
                AND (l.end_date IS NULL OR l.end_date >= %(first)s)) s"""


def _clear(organisation):
    from django.db import transaction

    from relais.rent.models import RentCall, RentRun

    with transaction.atomic():
        RentCall.objects.filter(organisation=organisation, month=MONTH).delete()
        RentRun.objects.filter(organisation=organisation).delete()


def _totals(organisation):
    from django.db.models import Count, Sum

    from relais.rent.models import RentCall

    return RentCall.objects.filter(organisation=organisation, month=MONTH).aggregate(
        n=Count("pk"), total=Sum("amount_cents")
    )


def time_bare(organisation) -> tuple[float, dict]:
    from django.db import connection, transaction

    from relais.rent.run import _params

    _clear(organisation)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_bare_sql(connection.vendor), _params(organisation.pk, MONTH))
    elapsed = time.perf_counter() - start
    return elapsed, _totals(organisation)


def time_run(organisation) -> tuple[float, dict]:
    from relais.rent.models import RentRun
    from relais.rent.run import rent_run_execute

    _clear(organisation)
    run = RentRun.objects.create(organisation=organisation, month=MONTH)
    start = time.perf_counter()
    rent_run_execute(run.pk)
    elapsed = time.perf_counter() - start
    return elapsed, _totals(organisation)


def _render(count: int, before: bool = False) -> float:
    """Seconds to render ``count`` notices as one batch split into one PDF each; with
    ``before``, as the first version did (tagged PDF, pages cloned and written by pypdf)."""
    import io

    from pypdf import PdfReader

    from relais.core.models import Organisation
    from relais.rent import notices
    from relais.rent.models import RentCall

    organisation = Organisation.objects.get(slug="banc-loyers")
    calls = list(
        notices.calls_for_print(RentCall.objects.filter(organisation=organisation, month=MONTH))[
            :count
        ]
    )
    start = time.perf_counter()
    if before:
        with _tagged():
            pdf = notices.render_batch(organisation, calls)
        pages = notices._split_with_pypdf(PdfReader(io.BytesIO(pdf)))
    else:
        pages = notices.split_pages(notices.render_batch(organisation, calls))
    assert len(pages) == len(calls)
    return time.perf_counter() - start


class _tagged:
    """Within the block, notices compile as tagged PDFs (the first version's output)."""

    def __enter__(self):
        from relais.rent import notices

        self.original = notices.compile_typst

        def tagged(*args, **kwargs):
            kwargs["tagged"] = True
            return self.original(*args, **kwargs)

        notices.compile_typst = tagged

    def __exit__(self, *exc):
        from relais.rent import notices

        notices.compile_typst = self.original


def _render_in_child(job: tuple[int, bool]) -> float:
    setup_django()
    _render(1)  # warm-up: Typst loads its fonts once per process
    return _render(*job)


def notices_rate(count: int, before: bool = False) -> tuple[float, float]:
    """Notices per second in one process, and in two processes rendering at once (each
    timed from its first notice to its last, start-up excluded: the slower one counts)."""
    _render(1)
    one = count / _render(count, before)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        elapsed = pool.map(_render_in_child, [(count // 2, before)] * 2)
    return one, (count // 2 * 2) / max(elapsed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leases", type=int, default=200_000)
    parser.add_argument("--notices", type=int, default=400)
    args = parser.parse_args()
    vendor = setup_django()
    if vendor == "sqlite":
        import os

        if "bench-region" in os.environ["DATABASE_URL"]:
            raise SystemExit(f"unexpected database {os.environ['DATABASE_URL']}")
    organisation = ensure_world(args.leases)
    bare, bare_totals = time_bare(organisation)
    run, run_totals = time_run(organisation)
    assert bare_totals == run_totals, (bare_totals, run_totals)
    one_before, two_before = notices_rate(args.notices, before=True)
    one, two = notices_rate(args.notices)
    print(f"rent run, {vendor}, {run_totals['n']:,} leases called ({machine()})")
    print(f"  bare INSERT … SELECT      {bare:6.2f} s")
    print(
        f"  rent run (batches)        {run:6.2f} s   target ≤ {TARGET_RUN_S:.0f} s   "
        f"ratio {run / bare:4.2f} (target ≤ {TARGET_RATIO:.0f})"
    )
    print(f"  notices before, 1 process {one_before:6.1f} /s  (tagged PDF, pypdf split)")
    print(f"  notices before, 2 proc.   {two_before:6.1f} /s")
    print(f"  notices, 1 process        {one:6.1f} /s  target ≥ {TARGET_NOTICES:.0f} /s")
    print(f"  notices, 2 processes      {two:6.1f} /s  target ≥ {TARGET_NOTICES:.0f} /s")


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-rent.sqlite3'}")
    main()
