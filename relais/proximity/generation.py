"""Daily generation of round occurrences and of their steps, set-based (issue 9 §1, §5).

For every building of every organisation, one day is written by ``INSERT … SELECT``: the
passages of each active round whose weekdays include the day (its crisis weekdays and
passages while its organisation is in crisis mode) — or, for bins rounds that follow the
collection calendar, whose commune collects that day or the next (``collection``) —
assigned through ``assignment.assignees_cte``; then one step row per template step of the
passages just written. What the rule needs per day (who is absent, who does each building,
which communes collect) is computed once per statement in common table expressions, then
joined to the rounds: nothing is evaluated once per round or per passage.

The steps are written from the passages just inserted, never by re-reading the day: on
PostgreSQL one statement (the passages' ``INSERT … RETURNING`` feeding the steps'
``INSERT``), on SQLite the rows above the highest id read just before, in the same
transaction. ``ON CONFLICT DO NOTHING`` on the unique passage (and step), so a re-run or two
workers at once generate nothing twice; each day is one transaction, so a killed run leaves
whole days and the next run writes the rest.

Times: passage ``n`` starts ``first_start + n × interval_minutes`` after the day's midnight
in Europe/Paris (the day's UTC offset at noon) and is due ``window_minutes`` later.
"""

import datetime as dt
import zoneinfo

from django.db import connection, transaction
from django.utils import timezone

from relais.core.models import CrisisMode, CrisisModeChange

from .assignment import assignees_cte
from .collection import collecting_cte, collection_params, collection_sql

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MAX_PASSAGES = 8
NUMBERS = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(MAX_PASSAGES))
OCCURRENCE_COLUMNS = (
    "organisation_id, template_id, building_id, kind, day, passage, starts_at, due_at, "
    "assignee_id, status, completed_at"
)
STEP_COLUMNS = (
    "organisation_id, occurrence_id, position, label, done_at, done_by_id, received_at, client_key"
)


def _minutes_after(base: str, minutes: str) -> str:
    """SQL: the timestamp ``minutes`` (an integer expression) after ``base`` (a parameter)."""
    if connection.vendor == "postgresql":
        return f"(CAST({base} AS timestamptz) + ({minutes}) * INTERVAL '1 minute')"
    return f"datetime({base}, '+' || ({minutes}) || ' minutes')"


def _start_minute() -> str:
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(HOUR FROM t.first_start) * 60 + EXTRACT(MINUTE FROM t.first_start) AS INTEGER)"  # noqa: E501
    return "(CAST(strftime('%%H', t.first_start) AS INTEGER) * 60 + CAST(strftime('%%M', t.first_start) AS INTEGER))"  # noqa: E501


def _due_cte(crisis_organisations: int) -> str:
    """SQL: the common table expression ``due`` — one row per active round due on the day,
    with its passages that day, its first minute and its assignee. The parameters ``c0`` …
    ``c<n-1>`` (``crisis_organisations`` of them, at least one: NULL when none) name the
    organisations in crisis mode."""
    names = ", ".join(f"%(c{index})s" for index in range(crisis_organisations))
    in_crisis = f"t.organisation_id IN ({names})"
    passages = (
        f"CASE WHEN {in_crisis} THEN COALESCE(t.crisis_passages, t.passages) ELSE t.passages END"  # noqa: E501
    )
    weekdays = (
        f"CASE WHEN {in_crisis} THEN COALESCE(t.crisis_weekdays, t.weekdays) ELSE t.weekdays END"  # noqa: E501
    )
    return (
        "due AS (SELECT t.organisation_id, t.id AS template_id, t.building_id, t.kind, "
        f"t.interval_minutes, t.window_minutes, {_start_minute()} AS first_minute, "
        f"({passages}) AS day_passages, a.assignee_id "
        "FROM proximity_roundtemplate t "
        "JOIN housing_building b ON b.id = t.building_id "
        "LEFT JOIN collecting c ON c.organisation_id = t.organisation_id "
        "AND c.commune_id = b.commune_id "
        "LEFT JOIN assignees a ON a.building_id = t.building_id "
        f"WHERE t.is_active AND (CASE WHEN t.follows_collection THEN {collection_sql()} "
        f"ELSE (({weekdays}) & %(bit)s) <> 0 END))"
    )


def _occurrences_select() -> str:
    start = "due.first_minute + p.n * due.interval_minutes"
    return (
        f"SELECT due.organisation_id, due.template_id, due.building_id, due.kind, %(day)s, "
        f"p.n, {_minutes_after('%(midnight)s', start)}, "
        f"{_minutes_after('%(midnight)s', start + ' + due.window_minutes')}, "
        "due.assignee_id, 'planned', NULL "
        f"FROM due JOIN ({NUMBERS}) p ON p.n < due.day_passages WHERE 1 = 1 "
        # In the unique passage's order: each index grows at its end, as in a copy.
        "ORDER BY due.template_id, p.n "
        "ON CONFLICT (day, template_id, passage) DO NOTHING"
    )


def _ctes(crisis_organisations: int) -> str:
    return f"WITH {assignees_cte()}, {collecting_cte()}, {_due_cte(crisis_organisations)}"


def occurrences_sql(crisis_organisations: int) -> str:
    """The INSERT … SELECT of one day's occurrences (parameters: ``day_parameters``)."""
    return (
        f"INSERT INTO proximity_roundoccurrence ({OCCURRENCE_COLUMNS}) "
        f"{_ctes(crisis_organisations)} {_occurrences_select()}"
    )


def steps_sql() -> str:
    """The INSERT … SELECT of the steps of the day's passages above ``%(after)s`` (the
    highest id before they were written): only the rows just inserted, read by their
    primary key (SQLite is kept off the day's indexes by the unary ``+``)."""
    day = "+o.day" if connection.vendor == "sqlite" else "o.day"
    return (
        f"INSERT INTO proximity_roundstep ({STEP_COLUMNS}) "
        "SELECT o.organisation_id, o.id, s.position, s.label, NULL, NULL, NULL, '' "
        "FROM proximity_roundoccurrence o "
        "JOIN proximity_templatestep s ON s.template_id = o.template_id "
        f"WHERE o.id > %(after)s AND {day} = %(day)s "
        "ON CONFLICT (occurrence_id, position) DO NOTHING"
    )


def last_occurrence_id() -> int:
    """The highest occurrence id so far (0 when none): ``day_parameters``'s ``after``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM proximity_roundoccurrence")
        return cursor.fetchone()[0]


def day_sql_postgresql(crisis_organisations: int) -> str:
    """PostgreSQL: the day's occurrences and their steps in one statement (the steps read
    the passages' ``RETURNING``); it answers (new occurrences, new steps)."""
    return (
        f"{_ctes(crisis_organisations)}, new AS (INSERT INTO proximity_roundoccurrence "
        f"({OCCURRENCE_COLUMNS}) {_occurrences_select()} "
        "RETURNING id, organisation_id, template_id), "
        f"made AS (INSERT INTO proximity_roundstep ({STEP_COLUMNS}) "
        "SELECT new.organisation_id, new.id, s.position, s.label, NULL, NULL, NULL, '' "
        "FROM new JOIN proximity_templatestep s ON s.template_id = new.template_id "
        "ON CONFLICT (occurrence_id, position) DO NOTHING RETURNING 1) "
        "SELECT (SELECT COUNT(*) FROM new), (SELECT COUNT(*) FROM made)"
    )


def organisations_in_crisis() -> list[int]:
    """Ids of the organisations whose latest mode change is "crisis" (one query)."""
    latest = CrisisModeChange.objects.order_by("organisation_id", "-changed_at", "-id").values_list(
        "organisation_id", "mode"
    )
    seen, found = set(), []
    for organisation_id, mode in latest.iterator():
        if organisation_id not in seen:
            seen.add(organisation_id)
            if mode == CrisisMode.CRISIS:
                found.append(organisation_id)
    return found


def day_parameters(day: dt.date, crisis: list[int], after: int) -> tuple[str, str, dict]:
    """(occurrences SQL, steps SQL, named parameters) for ``day``; the steps are those of
    the day's passages with an id above ``after`` (``last_occurrence_id()`` read in the same
    transaction just before the occurrences are written)."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=PARIS)
    midnight = dt.datetime.combine(day, dt.time(0)) - noon.utcoffset()
    params = {
        "day": day,
        "after": after,
        "midnight": midnight.strftime("%Y-%m-%d %H:%M:%S"),
        "bit": 1 << day.weekday(),
        **collection_params(day),
    }
    names = crisis or [None]
    for index, organisation_id in enumerate(names):
        params[f"c{index}"] = organisation_id
    return occurrences_sql(len(names)), steps_sql(), params


def generate_day(day: dt.date, crisis: list[int] | None = None) -> tuple[int, int]:
    """Generate ``day``'s occurrences and steps for every organisation, in one transaction;
    returns (new occurrences, new steps)."""
    if crisis is None:
        crisis = organisations_in_crisis()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _sql, _steps, params = day_parameters(day, crisis, after=0)
            cursor.execute(day_sql_postgresql(max(len(crisis), 1)), params)
            made, steps = cursor.fetchone()
            return made, steps
        occurrences, steps, params = day_parameters(day, crisis, after=last_occurrence_id())
        cursor.execute(occurrences, params)
        made = cursor.rowcount
        cursor.execute(steps, params)
        return made, cursor.rowcount


def reassign_sql(scoped: bool = False) -> str:
    """UPDATE of a day's planned passages not started (no step ticked, not yet due) of the
    organisations with staff declarations that day: each gets the assignee that
    ``assignment`` names now, so a caretaker declared absent (or back) after the passages
    were generated is replaced (or back). ``scoped``: only the buildings of the organisation
    ``%(organisation)s`` that the user ``%(user)s`` looks after (a declaration just
    recorded)."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    assignee = (
        "(SELECT a.assignee_id FROM assignees a "
        "WHERE a.building_id = proximity_roundoccurrence.building_id)"
    )
    only = (
        "AND organisation_id = %(organisation)s "
        "AND building_id IN (SELECT a.building_id FROM assignees a) "
        if scoped
        else ""
    )
    return (
        f"WITH {assignees_cte(scoped)} "
        f"UPDATE proximity_roundoccurrence SET assignee_id = {assignee} "
        f"WHERE day = %(day)s AND status = 'planned' AND due_at > %(now)s {only}"
        "AND organisation_id IN (SELECT d.organisation_id FROM continuity_declaration d "
        "WHERE d.day = %(day)s) "
        "AND NOT EXISTS (SELECT 1 FROM proximity_roundstep x "
        "WHERE x.occurrence_id = proximity_roundoccurrence.id AND x.done_at IS NOT NULL) "
        f"AND assignee_id {differs} {assignee}"
    )


def reassign_day(day: dt.date, now: dt.datetime | None = None, person=None) -> int:
    """Hand ``day``'s passages not started to whoever ``assignment`` names now — of every
    organisation, or only of the buildings that ``person`` (an (organisation id, user id)
    pair) looks after; returns how many changed hands."""
    organisation_id, user_id = person or (None, None)
    params = {
        "day": day,
        "now": connection.ops.adapt_datetimefield_value(now or timezone.now()),
        "organisation": organisation_id,
        "user": user_id,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(reassign_sql(scoped=person is not None), params)
        if connection.vendor == "sqlite":  # no row count for a statement opening with WITH
            cursor.execute("SELECT changes()")
            return cursor.fetchone()[0]
        return cursor.rowcount


def generate_ahead(days: int = 2, today: dt.date | None = None) -> list[tuple[int, int]]:
    """Generate today and the next ``days`` days (Europe/Paris), then re-read who does the
    passages not started (staff declarations may have changed); idempotent."""
    today = today or timezone.localdate()
    crisis = organisations_in_crisis()
    made = []
    for n in range(days + 1):
        made.append(generate_day(today + dt.timedelta(days=n), crisis))
        reassign_day(today + dt.timedelta(days=n))
    return made
