#!/usr/bin/env python
"""Benchmark of the candidate search: ``search_candidates`` against the bare SQL query.

    .venv/bin/python bench/allocation_ranking.py                     # 100,000 applications
    DATABASE_URL=postgres://… .venv/bin/python bench/allocation_ranking.py --national --keep
    .venv/bin/python bench/allocation_ranking.py --seeded postgres://…/relais_bench_ranking_…

Builds a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server of
``DATABASE_URL``, dropped at the end), loads the communes and the income ceilings, inserts the
applications (see ``landlords``: at regional scale all in the pool of the landlord searched, in
Centre-Val de Loire; at national scale shared among the regions by population) and a few
hundred vacancies of that landlord over the communes of Centre-Val de Loire (each application
with one score per wished EPCI, ADR 0033; about one in twelve with an out-of-date N-2 income,
which the search flags). Then, for ~200
random vacancies, it times ``search_candidates`` (the service the vacancy page calls: eligibility,
fit, ranking and the explanation of the top 50) and a hand-written SQL query doing the same work
on the same tables (the walks of the candidate ranking, ADR 0051) through a bare cursor, and
prints the p95 of each and their ratio; and, as a reference, the query before ADR 0051 over the
raw tables. All three must return the same applications in the same order.
Targets: p95 ≤ 25 ms at 100,000 applications, ≤ 60 ms at 2,500,000 (``--national``, PostgreSQL).
On PostgreSQL the applications are drawn by the server, set-based (``allocation_ranking_pg``).
"""

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REGION = "24"  # Centre-Val de Loire
TODAY = dt.date(2026, 11, 23)
REGIONAL, NATIONAL = 100_000, 2_500_000
TARGET_MS = {REGIONAL: 25, NATIONAL: 60}
INACTIVE_SHARE = 0.10  # allocated, cancelled or expired applications stay in the table
CHUNK = 10_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true", help="2,500,000 applications")
    parser.add_argument(
        "--landlords", type=int, default=35, help="landlords sharing the regional pool"
    )
    parser.add_argument("--applications", type=int, help="override the number of applications")
    parser.add_argument("--vacancies", type=int, default=300, help="vacancies created")
    parser.add_argument("--runs", type=int, default=200, help="vacancies searched")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database seeded (name printed)"
    )
    parser.add_argument(
        "--seeded",
        metavar="URL",
        help="measure on a database an earlier run seeded and kept (migrated first, not reseeded)",
    )
    args = parser.parse_args()
    args.count = args.applications or (NATIONAL if args.national else REGIONAL)
    return args


@contextlib.contextmanager
def fresh_database(keep: bool = False):
    """Yields the DATABASE_URL of an empty database, removed afterwards unless ``keep``."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'ranking.sqlite3'}"
        return
    import psycopg

    name = f"relais_bench_ranking_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept: {url} (measure it again with --seeded {url})")
        else:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


# Reference data --------------------------------------------------------------------------


def load_reference_data() -> dict[str, list]:
    """Communes, EPCIs and income ceilings; returns the inhabited communes of each region."""
    from relais.allocation.eligibility.ceilings import load_income_ceilings
    from relais.housing.geo import load_geo
    from relais.housing.models import Commune

    load_geo()
    load_income_ceilings()
    regions: dict[str, list] = {}
    communes = Commune.objects.filter(population__gt=0).select_related("departement", "epci")
    for commune in communes.order_by("code"):
        regions.setdefault(commune.departement.region_id, []).append(commune)
    return regions


def ceiling_year() -> int:
    """The latest year with both a PLAI and a PLUS table (PLS derives from PLUS)."""
    from django.db.models import Count

    from relais.allocation.models import IncomeCeiling

    years = (
        IncomeCeiling.objects.values("year")
        .annotate(tables=Count("financing", distinct=True))
        .filter(tables=2)
        .order_by("-year")
    )
    return years[0]["year"]


# Vacancies -------------------------------------------------------------------------------

TYPOLOGY_WEIGHTS = {"T1": 8, "T2": 22, "T3": 37, "T4": 25, "T5": 7, "T6": 1}
FINANCING_WEIGHTS = {"PLUS": 70, "PLAI": 20, "PLS": 10}
RENT_PER_M2_CENTS = {"PLAI": 520, "PLUS": 600, "PLS": 890}
SURFACE = {"T1": 30, "T2": 47, "T3": 66, "T4": 80, "T5": 95, "T6": 110}


def create_vacancies(rng, organisation, communes, count: int) -> list:
    from relais.allocation.models import Vacancy
    from relais.housing.models import Building, Dwelling, Residence

    weights = [c.population for c in communes]
    chosen = rng.choices(communes, weights=weights, k=count)
    residences = Residence.objects.bulk_create(
        Residence(organisation=organisation, reference=f"R{n}", name=f"Rés {n}", commune=c)
        for n, c in enumerate(chosen)
    )
    buildings = Building.objects.bulk_create(
        Building(
            organisation=organisation,
            residence=residence,
            reference=f"B{n}",
            address=f"{n} rue de la Loire",
            postcode="37000",
            commune=residence.commune,
        )
        for n, residence in enumerate(residences)
    )
    dwellings = []
    for n, building in enumerate(buildings):
        typology = rng.choices(list(TYPOLOGY_WEIGHTS), weights=TYPOLOGY_WEIGHTS.values())[0]
        financing = rng.choices(list(FINANCING_WEIGHTS), weights=FINANCING_WEIGHTS.values())[0]
        surface = SURFACE[typology] * rng.uniform(0.85, 1.15)
        dwellings.append(
            Dwelling(
                organisation=organisation,
                building=building,
                reference=f"L{n}",
                typology=typology,
                surface=round(surface, 2),
                financing=financing,
                rent_cents=int(surface * RENT_PER_M2_CENTS[financing]),
                accessible=rng.random() < 0.12,
            )
        )
    Dwelling.objects.bulk_create(dwellings)
    vacancies = Vacancy.objects.bulk_create(
        Vacancy(
            organisation=organisation,
            dwelling=dwelling,
            status="ready",
            notice_received_on=TODAY - dt.timedelta(days=60),
            charges_cents=int(dwelling.rent_cents * 0.2),
        )
        for dwelling in dwellings
    )
    return [v.pk for v in vacancies]


# Applications ----------------------------------------------------------------------------

PERSONS_WEIGHTS = (38, 24, 16, 12, 6, 3, 1)  # 1 to 7 persons
WISHED_TYPOLOGIES = {1: "T1 T2", 2: "T2 T3", 3: "T3 T4", 4: "T3 T4 T5", 5: "T4 T5", 6: "T5 T6"}
INACTIVE = ("allocated", "cancelled", "expired")
SCORE_COLUMNS = (
    "organisation_id",
    "application_id",
    "epci_id",
    "score",
    "explanation",
    "scored_at",
    "first_applied_on",
)
OUTDATED_INCOME_SHARE = 0.08  # files whose N-2 income is older than the decision needs


class Places:
    """Communes drawn as home (weighted by population) and wished ones in the same area."""

    def __init__(self, communes):
        self.communes = communes
        self.epci_of = {c.code: c.epci_id for c in communes}
        self.home_weights = list(_cumulate(c.population**1.1 for c in communes))
        by_departement: dict[str, list] = {}
        for commune in communes:
            by_departement.setdefault(commune.departement_id, []).append(commune)
        self.nearby = {
            code: (members, list(_cumulate(c.population for c in members)))
            for code, members in by_departement.items()
        }

    def wishes(self, rng) -> tuple[list[str], str | None]:
        home = rng.choices(self.communes, cum_weights=self.home_weights)[0]
        members, weights = self.nearby[home.departement_id]
        extra = 0 if rng.random() < 0.45 else (1 if rng.random() < 0.6 else 2)
        codes = {home.code, *(c.code for c in rng.choices(members, cum_weights=weights, k=extra))}
        epci = home.epci_id if home.epci_id and rng.random() < 0.3 else None
        return sorted(codes), epci


def _cumulate(values):
    total = 0
    for value in values:
        total += value
        yield total


def _household(rng) -> dict:
    from relais.allocation.eligibility.household import household_category

    persons = rng.choices(range(1, 8), weights=PERSONS_WEIGHTS)[0]
    couple = persons >= 2 and rng.random() < 0.5
    dependants = max(persons - (2 if couple else 1), 0)
    age = rng.randint(19, 78)
    disabled = rng.random() < 0.07
    category = household_category(
        persons=persons,
        dependants=dependants,
        is_couple=couple,
        combined_age=age * 2 if couple else None,
        has_disabled_member=disabled,
    )
    return {
        "persons": persons,
        "dependants": dependants,
        "is_couple": couple,
        "has_disabled_member": disabled,
        "needs_accessible": disabled and rng.random() < 0.35,
        "applicant_birth_date": TODAY.replace(year=TODAY.year - age, day=1),
        "household_category": category.category,
        "extra_persons": category.extra_persons,
    }


def _money_and_wishes(rng, persons: int) -> dict:
    from relais.allocation.models import TYPOLOGY_BITS

    income = int(rng.lognormvariate(math.log(10_500 + 3_800 * (persons - 1)), 0.55))
    wished = WISHED_TYPOLOGIES[min(persons, 6)].split()
    mask = sum(TYPOLOGY_BITS[code] for code in wished)
    max_rent = None if rng.random() < 0.55 else (250 + 110 * persons + rng.randint(0, 250)) * 100
    return {
        "income_n2": income,
        "reference_income": income,
        "monthly_resources_cents": int(income / 12 * rng.uniform(1.0, 1.4) * 100),
        "typology_mask": mask,
        "max_rent_cents": max_rent,
    }


def _score(rng) -> dict:
    months = min(int(rng.expovariate(1 / 24)), 180)
    explanation = [[f"waiting:{months}", months]]
    if months > 36:
        explanation.append(["waiting_bonus:36", 20])
    for criterion, share, points in (("priority:dalo", 0.015, 50), ("priority:eviction", 0.03, 20)):
        if rng.random() < share:
            explanation.append([criterion, points])
    applied = TODAY - dt.timedelta(days=int(months * 30.44) + rng.randint(0, 29))
    return {
        "first_applied_on": applied,
        "score": sum(points for _code, points in explanation),
        "score_explanation": json.dumps(explanation),
    }


def application_values(rng, number: int, organisation_id: int, status: str) -> dict:
    household = _household(rng)
    return {
        "organisation_id": organisation_id,
        "registration_number": f"024{number:010d}",
        "applicant_first_name": "Camille",
        "applicant_last_name": f"Demandeur {number}",
        "housing_situation": "hosted",
        "status": status,
        "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **household,
        **_money_and_wishes(rng, household["persons"]),
        **_score(rng),
    }


class RowWriter:
    """Rows of one model's table: ``cursor.copy()`` on PostgreSQL, ``executemany`` on SQLite.

    Fields the benchmark does not set get their model default, so a field added to the model
    later does not break the benchmark.
    """

    def __init__(self, connection, model, given: tuple[str, ...]):
        from django.db.models import JSONField

        self.connection = connection
        fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
        self.defaults = {
            f.attname: json.dumps(f.get_default()) if isinstance(f, JSONField) else f.get_default()
            for f in fields
            if f.attname not in given
        }
        self.columns = [f.attname for f in fields]
        quote = connection.ops.quote_name
        column_sql = ", ".join(quote(model._meta.get_field(n).column) for n in self.columns)
        self.table_sql = f"{quote(model._meta.db_table)} ({column_sql})"
        self.rows: list[tuple] = []

    def add(self, values: dict) -> None:
        merged = {**self.defaults, **values}
        self.rows.append(tuple(merged[name] for name in self.columns))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table_sql} FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table_sql} VALUES ({marks})", self.rows)
        self.rows = []


def insert_applications(rng, pools: list[tuple[int, int, Places]], income_year: int) -> int:
    """``pools``: (organisation id, active applications, their places). Returns the rows.

    Most files carry the N-2 income the decision year needs (``income_year``); some an older
    one, which the search flags "income to update"."""
    from django.db import connection, transaction

    from relais.allocation.models import Application, ApplicationScore
    from relais.allocation.scoring.ranking import ranking_fill

    given = ("id", "income_n2_year", *application_values(rng, 0, 0, "").keys())
    apps = RowWriter(connection, Application, given)
    communes = RowWriter(
        connection, Application.wished_communes.through, ("application_id", "commune_id")
    )
    epcis = RowWriter(connection, Application.wished_epcis.through, ("application_id", "epci_id"))
    scores = RowWriter(connection, ApplicationScore, SCORE_COLUMNS)
    pk = 0
    with transaction.atomic():
        for organisation_id, active, places in pools:
            total = int(active / (1 - INACTIVE_SHARE))
            for n in range(total):
                pk += 1
                status = "active" if n < active else rng.choice(INACTIVE)
                values = application_values(rng, pk, organisation_id, status)
                outdated = rng.random() < OUTDATED_INCOME_SHARE
                values["income_n2_year"] = income_year - 1 if outdated else income_year
                apps.add({"id": pk, **values})
                codes, epci = places.wishes(rng)
                for code in codes:
                    communes.add({"application_id": pk, "commune_id": code})
                if epci:
                    epcis.add({"application_id": pk, "epci_id": epci})
                # One score per wished EPCI (ADR 0033): the application's, give or take the
                # difference between two EPCIs' grids.
                wished = dict.fromkeys([places.epci_of[code] for code in codes] + [epci])
                for epci_id in filter(None, wished):
                    scores.add(
                        {
                            "organisation_id": organisation_id,
                            "application_id": pk,
                            "epci_id": epci_id,
                            "score": values["score"] + rng.randint(0, 5),
                            "explanation": values["score_explanation"],
                            "scored_at": values["created_at"],
                            "first_applied_on": values["first_applied_on"],
                        }
                    )
        for writer in (apps, communes, epcis, scores):
            writer.flush()
        ranking_fill()  # the candidate ranking (ADR 0051), as the demo fills it
    reset_sequences()
    return pk


def seed_applications(rng, args, pools, *, income_year: int) -> int:
    """The applications of ``pools``: drawn by the server on PostgreSQL (set-based,
    ``allocation_ranking_pg``), in Python and written by ``executemany`` on SQLite."""
    from django.db import connection

    rows = [(org.pk, count, places) for org, count, places in pools]
    if connection.vendor != "postgresql":
        return insert_applications(rng, rows, income_year=income_year)
    import allocation_ranking_pg

    written = allocation_ranking_pg.insert_applications(
        rows,
        income_year=income_year,
        today=TODAY,
        seed=args.seed,
        weights=PERSONS_WEIGHTS,
        typologies=WISHED_TYPOLOGIES,
    )
    reset_sequences()
    return written


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from relais.allocation.models import Application, ApplicationScore, RankedWish

    models = [
        Application,
        Application.wished_communes.through,
        Application.wished_epcis.through,
        ApplicationScore,
        RankedWish,
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# Measures --------------------------------------------------------------------------------

# The search by hand (ADR 0051): the best 50 eligible, fitting applications wishing the commune,
# and those wishing its EPCI as a whole, each a walk on the ranking's index of that place; the
# union joined to the applications (and to their score in the EPCI for its explanation), with
# the ceiling and the two wish flags the list shows.
WALK_SQL = """SELECT * FROM (
    SELECT w.application_id, w.score, w.first_applied_on FROM allocation_rankedwish w
    WHERE w.{place}_id = %({place})s AND w.persons BETWEEN %(smallest)s AND %(largest)s
      AND (w.typology_mask = 0 OR (w.typology_mask & %(bit)s) <> 0)
      AND (w.max_rent_cents IS NULL OR w.max_rent_cents >= %(cost)s)
      AND w.reference_income <= {ceiling}{accessible}
    ORDER BY w.score DESC, w.first_applied_on, w.application_id LIMIT 50) {place}"""
CEILING_SQL = """CASE {t}.household_category
        WHEN 1 THEN %(c1)s WHEN 2 THEN %(c2)s WHEN 3 THEN %(c3)s
        WHEN 4 THEN %(c4)s WHEN 5 THEN %(c5)s WHEN 6 THEN %(c6)s END
      + {t}.extra_persons * %(c7)s"""
RANKED_SQL = """
SELECT a.id, a.registration_number, a.applicant_first_name, a.applicant_last_name, a.persons,
       a.household_category, a.extra_persons, a.reference_income, a.monthly_resources_cents,
       a.max_rent_cents, a.typology_mask, a.needs_accessible, r.score, {explanation},
       r.first_applied_on, {ceiling},
       (SELECT c.application_id FROM allocation_application_wished_communes c
        WHERE c.application_id = a.id AND c.commune_id = %(commune)s LIMIT 1) IS NOT NULL,
       (SELECT e.application_id FROM allocation_application_wished_epcis e
        WHERE e.application_id = a.id AND e.epci_id = %(epci)s LIMIT 1) IS NOT NULL
FROM ({walks}) r JOIN allocation_application a ON a.id = r.application_id{join}
ORDER BY r.score DESC, r.first_applied_on, r.application_id
LIMIT 50
"""
SCORE_JOIN = (
    " JOIN allocation_applicationscore s"
    " ON s.application_id = r.application_id AND s.epci_id = %(epci)s"
)

# The reference: the query before ADR 0051, over the raw tables (the EPCI's scores joined to
# the applications, the wishers listed or probed), printed so that the gain shows.
BARE_SQL = """
SELECT a.id, a.registration_number, a.applicant_first_name, a.applicant_last_name, a.persons,
       a.household_category, a.extra_persons, a.reference_income, a.monthly_resources_cents,
       a.max_rent_cents, a.typology_mask, a.needs_accessible, {columns}
FROM {source}
WHERE {scope} AND a.status = 'active'
  AND a.persons BETWEEN %(smallest)s AND %(largest)s
  AND (a.typology_mask = 0 OR (a.typology_mask & %(bit)s) <> 0)
  AND (a.max_rent_cents IS NULL OR a.max_rent_cents >= %(cost)s)
  AND (%(accessible)s OR NOT a.needs_accessible)
  AND a.reference_income <= {ceiling}
  AND {wish}
ORDER BY {order}
LIMIT 50
"""
# A commune of an EPCI: the scores in that EPCI, every landlord's (the shared pool, ADR
# 0046), in ranking order (ADR 0033).
IN_EPCI = {
    "columns": "s.score, s.explanation, s.first_applied_on",
    "source": "allocation_applicationscore s"
    " JOIN allocation_application a ON a.id = s.application_id",
    "scope": "s.epci_id = %(epci)s",
    "order": "s.score DESC, s.first_applied_on, s.application_id",
    "key": "s.application_id",
}
WITHOUT_EPCI = {
    "columns": "a.score, a.score_explanation, a.first_applied_on",
    "source": "allocation_application a",
    "scope": "1 = 1",
    "order": "a.score DESC, a.first_applied_on, a.id",
    "key": "a.id",
}
MANY_WISHERS = 2_000  # the threshold of the old query's two shapes (ADR 0009)
FEW_WISHERS_SQL = """{key} IN (
    SELECT application_id FROM allocation_application_wished_communes WHERE commune_id = %(commune)s
    UNION ALL
    SELECT application_id FROM allocation_application_wished_epcis WHERE epci_id = %(epci)s)"""
MANY_WISHERS_SQL = """(
    (SELECT w.application_id FROM allocation_application_wished_communes w
     WHERE w.application_id = a.id AND w.commune_id = %(commune)s LIMIT 1) IS NOT NULL
    OR (SELECT e.application_id FROM allocation_application_wished_epcis e
        WHERE e.application_id = a.id AND e.epci_id = %(epci)s LIMIT 1) IS NOT NULL)"""
PROBE_SQL = (
    "SELECT 1 FROM allocation_application_wished_{table}s WHERE {table}_id = %s LIMIT 1 OFFSET %s"
)
TABLE_SQL = """SELECT category, ceiling_eur FROM allocation_incomeceiling
WHERE year = %s AND financing = %s AND zone = %s"""


def _params(cursor, vacancy, year: int) -> dict:
    """The ceiling table (one query, as the service) and the vacancy's filter values."""
    from relais.allocation.models import TYPOLOGY_BITS
    from relais.allocation.vacancies.candidates import OCCUPANCY

    dwelling = vacancy.dwelling
    commune = dwelling.building.commune
    pls = dwelling.financing == "PLS"
    cursor.execute(TABLE_SQL, [year, "PLUS" if pls else dwelling.financing, commune.zone])
    table = {f"c{category}": amount for category, amount in cursor.fetchall()}
    if pls:
        table = {key: (amount * 130 + 50) // 100 for key, amount in table.items()}
    smallest, largest = OCCUPANCY[dwelling.typology]
    return {
        **table,
        "smallest": smallest,
        "largest": largest,
        "bit": TYPOLOGY_BITS[dwelling.typology],
        "cost": dwelling.rent_cents + vacancy.charges_cents,
        "accessible": dwelling.accessible,
        "commune": commune.code,
        "epci": commune.epci_id or "",
    }


def bare_search(cursor, vacancy, year: int) -> list[tuple]:
    """The search by hand, as the service runs it: the ceiling table, then the walks."""
    params = _params(cursor, vacancy, year)
    epci = vacancy.dwelling.building.commune.epci_id
    accessible = "" if vacancy.dwelling.accessible else " AND NOT w.needs_accessible"
    walk = {"ceiling": CEILING_SQL.format(t="w"), "accessible": accessible}
    walks = WALK_SQL.format(place="commune", **walk)
    if epci:
        walks += " UNION " + WALK_SQL.format(place="epci", **walk)
    sql = RANKED_SQL.format(
        walks=walks,
        explanation="s.explanation" if epci else "a.score_explanation",
        ceiling=CEILING_SQL.format(t="a"),
        join=SCORE_JOIN if epci else "",
    )
    cursor.execute(sql, params)
    return cursor.fetchall()


def raw_search(cursor, vacancy, year: int) -> list[tuple]:
    """The reference: the search before ADR 0051 over the raw tables (the ceiling table, the
    wishers probe, then the query in the shape the probe chose)."""
    params = _params(cursor, vacancy, year)
    commune = vacancy.dwelling.building.commune
    many = False
    for kind, code in (("commune", commune.code), ("epci", commune.epci_id)):
        cursor.execute(PROBE_SQL.format(table=kind), [code, MANY_WISHERS - 1])
        many = many or bool(cursor.fetchall())
    shape = IN_EPCI if commune.epci_id else WITHOUT_EPCI
    wish = (MANY_WISHERS_SQL if many else FEW_WISHERS_SQL).format(key=shape["key"])
    ceiling = CEILING_SQL.format(t="a")
    cursor.execute(BARE_SQL.format(wish=wish, ceiling=ceiling, **shape), params)
    return cursor.fetchall()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(rng, vacancy_ids: list[int], runs: int, year: int) -> dict[str, list]:
    """Times (ms) of the service, of the bare query and of the raw-tables reference,
    interleaved, and the result sizes. Each search must return the same applications in the
    same order by all three, or the run fails."""
    from django.db import connection

    from relais.allocation.models import Vacancy
    from relais.allocation.vacancies.candidates import search_candidates

    chosen = [rng.choice(vacancy_ids) for _ in range(runs)]
    vacancies = Vacancy.objects.select_related(
        "organisation", "dwelling__building__commune__epci"
    ).in_bulk(set(chosen))
    for pk in chosen[:10]:  # warm the caches and the connection
        search_candidates(vacancies[pk], year=year)
    times: dict[str, list] = {"service": [], "bare": [], "raw": [], "sizes": []}
    with connection.cursor() as cursor:
        searches = {
            "service": lambda v: [r.application.pk for r in search_candidates(v, year=year)],
            "bare": lambda v: [r[0] for r in bare_search(cursor, v, year)],
            "raw": lambda v: [r[0] for r in raw_search(cursor, v, year)],
        }
        order = list(searches)
        for n, pk in enumerate(chosen):
            # Whoever runs first on a vacancy reads its pages into the cache for the others:
            # the three take turns.
            found = {}
            for name in order[n % 3 :] + order[: n % 3]:
                started = time.perf_counter()
                found[name] = searches[name](vacancies[pk])
                times[name].append((time.perf_counter() - started) * 1000)
            for name in ("bare", "raw"):
                if found[name] != found["service"]:
                    raise AssertionError(f"vacancy {pk}: the service and the {name} query disagree")
            times["sizes"].append(len(found["service"]))
    return times


def landlords(args, regions: dict[str, list]) -> list[tuple]:
    """Who registered the applications: (organisation, active applications, places); the
    landlord searched first. The pool is shared (ADR 0046): the search ranks every landlord's.

    Regional scale: ``--landlords`` landlords of Centre-Val de Loire (35, as in the demo)
    registered the applications in equal shares over the region's communes. National scale:
    the applications are shared among the regions by population, one landlord per region;
    the one searched is Centre-Val de Loire's (about 96,000 applications in its region), the
    2.4 million others are in the same tables.
    """
    from relais.core.models import Organisation

    searched = Organisation.objects.create(name="Val de Loire Habitat", slug="vlh")
    if not args.national:
        places = Places(regions[REGION])
        others = [
            Organisation.objects.create(name=f"Bailleur {n}", slug=f"bailleur-{n}")
            for n in range(1, args.landlords)
        ]
        share = args.count // args.landlords
        first = args.count - share * (args.landlords - 1)
        return [(searched, first, places), *((other, share, places) for other in others)]
    population = {code: sum(c.population for c in communes) for code, communes in regions.items()}
    pools = []
    for code in sorted(regions, key=lambda code: code != REGION):
        landlord = searched
        if code != REGION:
            landlord = Organisation.objects.create(name=f"Bailleur {code}", slug=f"region-{code}")
        count = round(args.count * population[code] / sum(population.values()))
        pools.append((landlord, count, Places(regions[code])))
    return pools


def run(args) -> None:
    from django.core.management import call_command

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    regions = load_reference_data()
    year = ceiling_year()
    pools = landlords(args, regions)
    searched, active, _places = pools[0]
    vacancy_ids = create_vacancies(rng, searched, regions[REGION], args.vacancies)
    started = time.perf_counter()
    written = seed_applications(rng, args, pools, income_year=year - 2)
    print(
        f"inserted {written:,} applications ({active:,} active registered by the landlord "
        f"searched, the rest by {len(pools) - 1} others: one shared pool) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    report(args, measure(rng, vacancy_ids, args.runs, year), year, len(set(vacancy_ids)))


def run_seeded(args) -> None:
    """Measure on a database seeded by an earlier run (``--keep``, or a restored dump of one):
    migrated to the current code first; its VACUUM ANALYZE sets the visibility map the
    index-only walks need, as the seeding does."""
    from django.core.management import call_command
    from django.db import connection

    from relais.allocation.models import Application, Vacancy

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    args.count = Application.objects.filter(status="active").count()
    vacancy_ids = list(
        Vacancy.objects.filter(organisation__slug="vlh").values_list("pk", flat=True)
    )
    year = ceiling_year()
    rng = random.Random(args.seed)
    report(args, measure(rng, vacancy_ids, args.runs, year), year, len(vacancy_ids))


def report(args, times: dict[str, list], year: int, vacancies: int) -> None:
    from django.db import connection

    service, bare, raw, sizes = (times[k] for k in ("service", "bare", "raw", "sizes"))
    vendor = connection.vendor
    target = TARGET_MS[NATIONAL if args.count > REGIONAL else REGIONAL]
    print(
        f"ranking {args.count:,} apps ({vendor}): p95 {p95(service):.1f} ms; "
        f"bare SQL p95 {p95(bare):.1f} ms; ratio {p95(service) / p95(bare):.1f}; "
        f"target p95 ≤ {target} ms: {'met' if p95(service) <= target else 'NOT met'}"
    )
    print(
        f"reference: the query before ADR 0051 over the raw tables (scores joined to the "
        f"applications, wishers probed) p95 {p95(raw):.1f} ms, same rows"
    )
    print(
        f"{len(sizes)} searches over {vacancies} vacancies (ceilings {year}); "
        f"candidates returned: median {sorted(sizes)[len(sizes) // 2]}, "
        f"fewer than 50 for {sum(size < 50 for size in sizes)}"
    )


def main() -> None:
    args = parse_args()
    if args.seeded:
        setup_django(args.seeded)
        run_seeded(args)
        return
    with fresh_database(keep=args.keep) as url:
        setup_django(url)
        run(args)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
