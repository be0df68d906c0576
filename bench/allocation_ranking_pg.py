"""Set-based seeding of ``bench/allocation_ranking.py`` on PostgreSQL: the applications, their
wishes and their scores are drawn by the server (``generate_series`` and ``random()``), not row
by row in Python. The 2,500,000-application pool (``--national``) takes minutes instead of the
40 minutes of Python draws + COPY it took on a loaded machine.

The draws follow the same laws as the Python path of the benchmark (``_household``,
``_money_and_wishes``, ``_score``, ``Places.wishes``): household size, couples, ages, disability,
income (log-normal), maximum rent, waiting time (exponential, 24 months mean), DALO and eviction
priorities, a home commune weighted by population^1.1 in the pool's region, 0–2 other communes
of its département weighted by population, the home's EPCI one time in three, one score per
wished EPCI. The candidate ranking (``RankedWish``, ADR 0051) is then filled from them, as the
demo fills it. ``setseed`` makes a run repeatable.
"""

import contextlib
import json

from django.db import DatabaseError, transaction

# Only the reference tables are sent by the client: communes with their cumulative weights,
# the household categories. Everything per application is drawn by the server.
TEMP_TABLES = """
CREATE TEMP TABLE bench_pool (
    pool int, organisation_id bigint, first_id bigint, total int, active int);
CREATE TEMP TABLE bench_home (pool int, cum float8, code text, departement text, epci text);
CREATE TEMP TABLE bench_near (departement text, cum float8, code text);
CREATE TEMP TABLE bench_category (
    persons int, couple bool, young bool, disabled bool, category int, extra int, mask int);
"""

DRAWS = """
CREATE TEMP TABLE bench_draw AS
SELECT g AS id, p.pool, p.organisation_id, (g - p.first_id) < p.active AS active,
       random() AS r_persons, random() AS r_couple, random() AS r_age, random() AS r_disabled,
       random() AS r_accessible, random() AS r_income1, random() AS r_income2,
       random() AS r_resources, random() AS r_rent, random() AS r_rent2, random() AS r_months,
       random() AS r_dalo, random() AS r_eviction, random() AS r_days, random() AS r_outdated,
       random() AS r_status, random() AS r_home, random() AS r_extra1, random() AS r_extra2,
       random() AS r_epci
FROM bench_pool p, generate_series(p.first_id, p.first_id + p.total - 1) g
"""

HOUSEHOLDS = """
CREATE TEMP TABLE bench_app AS
SELECT d.*, h.persons, h.couple, h.dependants, h.age, h.disabled,
       least(floor(-ln(1 - d.r_months) * 24), 180)::int AS months
FROM bench_draw d
CROSS JOIN LATERAL (
    SELECT s.persons, s.couple, greatest(s.persons - CASE WHEN s.couple THEN 2 ELSE 1 END, 0)
               AS dependants,
           19 + floor(d.r_age * 60)::int AS age, d.r_disabled < 0.07 AS disabled
    FROM (SELECT z.persons, z.persons >= 2 AND d.r_couple < 0.5 AS couple
          FROM (SELECT CASE {persons} END AS persons) z) s
) h
"""

HOMES = """
CREATE TEMP TABLE bench_wish AS
SELECT a.id, h.code, h.departement, h.epci,
       CASE WHEN a.r_extra1 < 0.45 THEN 0 WHEN a.r_extra2 < 0.6 THEN 1 ELSE 2 END AS extra,
       a.r_epci < 0.3 AS wants_epci
FROM bench_app a
CROSS JOIN LATERAL (
    SELECT code, departement, epci FROM bench_home h
    WHERE h.pool = a.pool AND h.cum >= a.r_home ORDER BY h.cum LIMIT 1
) h
"""

WISHED_COMMUNES = """
INSERT INTO allocation_application_wished_communes (application_id, commune_id)
SELECT DISTINCT id, code FROM (
    SELECT id, code FROM bench_wish
    UNION ALL
    SELECT w.id, n.code
    FROM bench_wish w
    CROSS JOIN LATERAL (SELECT k, random() AS u FROM generate_series(1, w.extra) k) x
    CROSS JOIN LATERAL (
        SELECT code FROM bench_near n
        WHERE n.departement = w.departement AND n.cum >= x.u ORDER BY n.cum LIMIT 1
    ) n
) wished
"""

WISHED_EPCIS = """
INSERT INTO allocation_application_wished_epcis (application_id, epci_id)
SELECT id, epci FROM bench_wish WHERE wants_epci AND epci IS NOT NULL
"""

SCORES = """
INSERT INTO allocation_applicationscore ({columns})
SELECT a.organisation_id, w.application_id, w.epci_id, a.score + floor(random() * 6)::int,
       a.score_explanation, a.created_at, a.first_applied_on{defaults}
FROM (
    SELECT wc.application_id, c.epci_id
    FROM allocation_application_wished_communes wc
    JOIN housing_commune c ON c.code = wc.commune_id
    WHERE c.epci_id IS NOT NULL
    UNION
    SELECT application_id, epci_id FROM allocation_application_wished_epcis
) w
JOIN allocation_application a ON a.id = w.application_id
"""


def _application_sql(columns_sql: str, defaults_sql: str, income_year: int, today) -> str:
    """The INSERT … SELECT of the applications from the draws (one row per ``bench_app``)."""
    waiting = "jsonb_build_array(jsonb_build_array('waiting:' || a.months, a.months))"
    bonus = "CASE WHEN a.months > 36 THEN '[[\"waiting_bonus:36\", 20]]'::jsonb ELSE '[]' END"
    dalo = "CASE WHEN a.r_dalo < 0.015 THEN '[[\"priority:dalo\", 50]]'::jsonb ELSE '[]' END"
    eviction = (
        "CASE WHEN a.r_eviction < 0.03 THEN '[[\"priority:eviction\", 20]]'::jsonb ELSE '[]' END"
    )
    score = (
        "a.months + CASE WHEN a.months > 36 THEN 20 ELSE 0 END"
        " + CASE WHEN a.r_dalo < 0.015 THEN 50 ELSE 0 END"
        " + CASE WHEN a.r_eviction < 0.03 THEN 20 ELSE 0 END"
    )
    income = (  # log-normal: Box-Muller from two uniform draws, on the draws' row ``b``
        "floor(exp(ln(10500 + 3800 * (b.persons - 1))"
        " + 0.55 * sqrt(-2 * ln(1 - b.r_income1)) * cos(2 * pi() * b.r_income2)))::int"
    )
    return f"""
INSERT INTO allocation_application ({columns_sql})
SELECT a.id, {income_year} - (a.r_outdated < 0.08)::int, a.organisation_id,
       '024' || lpad(a.id::text, 10, '0'), 'Camille', 'Demandeur ' || a.id, 'hosted',
       CASE WHEN a.active THEN 'active'
            ELSE (ARRAY['allocated', 'cancelled', 'expired'])[1 + floor(a.r_status * 3)::int]
       END,
       '2026-01-01T00:00:00Z'::timestamptz, '2026-01-01T00:00:00Z'::timestamptz,
       a.persons, a.dependants, a.couple, a.disabled, a.disabled AND a.r_accessible < 0.35,
       make_date({today.year} - a.age, {today.month}, 1), c.category, c.extra,
       a.income, a.income, floor(a.income / 12.0 * (1 + 0.4 * a.r_resources) * 100)::int,
       c.mask,
       CASE WHEN a.r_rent < 0.55 THEN NULL
            ELSE (250 + 110 * a.persons + floor(a.r_rent2 * 251)::int) * 100 END,
       DATE '{today.isoformat()}' - (floor(a.months * 30.44) + floor(a.r_days * 30))::int,
       {score}, {waiting} || {bonus} || {dalo} || {eviction}{defaults_sql}
FROM (SELECT b.*, {income} AS income FROM bench_app b) a
JOIN bench_category c ON c.persons = a.persons AND c.couple = a.couple
    AND c.young = (a.age * 2 <= 55) AND c.disabled = a.disabled
"""


APPLICATION_COLUMNS = [
    "id",
    "income_n2_year",
    "organisation_id",
    "registration_number",
    "applicant_first_name",
    "applicant_last_name",
    "housing_situation",
    "status",
    "created_at",
    "updated_at",
    "persons",
    "dependants",
    "is_couple",
    "has_disabled_member",
    "needs_accessible",
    "applicant_birth_date",
    "household_category",
    "extra_persons",
    "income_n2",
    "reference_income",
    "monthly_resources_cents",
    "typology_mask",
    "max_rent_cents",
    "first_applied_on",
    "score",
    "score_explanation",
]
SCORE_COLUMNS = [
    "organisation_id",
    "application_id",
    "epci_id",
    "score",
    "explanation",
    "scored_at",
    "first_applied_on",
]


def _defaults(model, given) -> tuple[list[tuple[str, str]], list]:
    """The other concrete columns of ``model`` as (column, type), and their model defaults
    (JSON dumped): a field added to the model later does not break the benchmark."""
    from django.db import connection
    from django.db.models import JSONField

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        default = field.get_default()
        columns.append((field.column, field.db_type(connection)))
        values.append(json.dumps(default) if isinstance(field, JSONField) else default)
    return columns, values


def _insert_sql(model, given, build) -> tuple[str, list]:
    columns, values = _defaults(model, given)
    names = [model._meta.get_field(name).column for name in given] + [c for c, _t in columns]
    defaults_sql = "".join(f", CAST(%s AS {kind})" for _c, kind in columns)
    return build(", ".join(f'"{name}"' for name in names), defaults_sql), values


def _reference_rows(pools, household_category, typology_bits, wished_typologies):
    """Rows of the reference temp tables: pools, homes, nearby communes, categories."""
    pool_rows, homes, near, first = [], [], {}, 1
    for index, (organisation_id, active, places) in enumerate(pools):
        total = int(active / 0.9)  # INACTIVE_SHARE of the benchmark: 10 % of files closed
        pool_rows.append((index, organisation_id, first, total, active))
        first += total
        weights = [c.population**1.1 for c in places.communes]
        running, whole = 0.0, sum(weights)
        for commune, weight in zip(places.communes, weights, strict=True):
            running += weight
            homes.append(
                (index, running / whole, commune.code, commune.departement_id, commune.epci_id)
            )
        for commune in places.communes:
            near.setdefault(commune.departement_id, {})[commune.code] = commune.population
    homes = [
        (*row[:1], 2.0 if i == len(homes) - 1 or homes[i + 1][0] != row[0] else row[1], *row[2:])
        for i, row in enumerate(homes)
    ]
    near_rows = []
    for departement, members in near.items():
        running, whole = 0.0, sum(members.values())
        codes = sorted(members)
        for n, code in enumerate(codes):
            running += members[code]
            near_rows.append((departement, 2.0 if n == len(codes) - 1 else running / whole, code))
    categories = []
    for persons in range(1, 8):
        mask = sum(typology_bits[t] for t in wished_typologies[min(persons, 6)].split())
        for couple in (False, True):
            for young in (False, True):
                for disabled in (False, True):
                    dependants = max(persons - (2 if couple and persons >= 2 else 1), 0)
                    found = household_category(
                        persons=persons,
                        dependants=dependants,
                        is_couple=couple and persons >= 2,
                        combined_age=(40 if young else 80) if couple else None,
                        has_disabled_member=disabled,
                    )
                    categories.append(
                        (
                            persons,
                            couple,
                            young,
                            disabled,
                            found.category,
                            found.extra_persons,
                            mask,
                        )
                    )
    return pool_rows, homes, near_rows, categories


LOADED_TABLES = (
    "allocation_application",
    "allocation_application_wished_communes",
    "allocation_application_wished_epcis",
    "allocation_applicationscore",
    "allocation_rankedwish",
)
SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
"""


@contextlib.contextmanager
def bulk_load(cursor):
    """Load as ``pg_restore`` does: the secondary indexes of the loaded tables dropped, then
    built once at the end (the same definitions, so the search runs on the real indexes), and
    the foreign-key triggers off for the load when the role may (the rows are drawn consistent:
    every id points to a row written in the same transaction). Primary keys and unique
    constraints stay on."""
    cursor.execute(SECONDARY_INDEXES, [list(LOADED_TABLES)])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        print("foreign-key checks stay on (the role may not set session_replication_role)")
    yield
    cursor.execute("SET LOCAL session_replication_role = origin")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cursor.execute(definition)


def insert_applications(pools, *, income_year: int, today, seed: int, weights, typologies):
    """``pools``: (organisation id, active applications, ``Places``). Returns the rows written.

    ``weights``: the persons weights (1 to 7 persons, in %); ``typologies``: persons → wished
    typologies ("T2 T3"), as the Python path draws them."""
    from django.db import connection

    from relais.allocation.eligibility.household import household_category
    from relais.allocation.models import TYPOLOGY_BITS, Application, ApplicationScore
    from relais.allocation.scoring.ranking import ranking_fill

    pool_rows, homes, near, categories = _reference_rows(
        pools, household_category, TYPOLOGY_BITS, typologies
    )
    bounds, running = [], 0
    for persons, weight in enumerate(weights, start=1):
        running += weight
        bounds.append(f"WHEN d.r_persons < {running / sum(weights)} THEN {persons}")
    persons_case = " ".join(bounds[:-1]) + f" ELSE {len(weights)}"
    application_sql, application_defaults = _insert_sql(
        Application,
        APPLICATION_COLUMNS,
        lambda columns, defaults: _application_sql(columns, defaults, income_year, today),
    )
    score_sql, score_defaults = _insert_sql(
        ApplicationScore,
        SCORE_COLUMNS,
        lambda columns, defaults: SCORES.format(columns=columns, defaults=defaults),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute(TEMP_TABLES)
        for table, rows in (
            ("bench_pool", pool_rows),
            ("bench_home", homes),
            ("bench_near", near),
            ("bench_category", categories),
        ):
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        cursor.execute("CREATE INDEX ON bench_home (pool, cum)")
        cursor.execute("CREATE INDEX ON bench_near (departement, cum)")
        cursor.execute("ANALYZE bench_pool; ANALYZE bench_home; ANALYZE bench_near")
        cursor.execute(DRAWS)
        cursor.execute(HOUSEHOLDS.format(persons=persons_case))
        cursor.execute("DROP TABLE bench_draw")
        cursor.execute(HOMES)
        with bulk_load(cursor):
            cursor.execute(application_sql, application_defaults)
            written = cursor.rowcount
            cursor.execute(WISHED_COMMUNES)
            cursor.execute(WISHED_EPCIS)
            cursor.execute(score_sql, score_defaults)
            ranking_fill()  # the candidate ranking (ADR 0051), from the rows just drawn
        cursor.execute("DROP TABLE bench_app, bench_wish, bench_pool, bench_home, bench_near")
        cursor.execute("DROP TABLE bench_category")
    return written
