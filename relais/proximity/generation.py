"""Daily generation of round occurrences and of their steps, set-based (issue 9 §1, §5).

Two ``INSERT … SELECT`` statements per day for every building of every organisation: the
passages of each active round whose weekdays include the day (its crisis weekdays and
passages while its organisation is in crisis mode) — or, for bins rounds that follow the
collection calendar, whose commune collects that day or the next (``collection``) —
assigned through
``assignment.ASSIGNEE_SQL``; then one step row per template step of the day's new
occurrences. Both skip what exists (``ON CONFLICT DO NOTHING`` on the unique passage, and
``NOT EXISTS`` for steps), so a re-run or two workers at once generate nothing twice.

Times: passage ``n`` starts ``first_start + n × interval_minutes`` after the day's midnight
in Europe/Paris (the day's UTC offset at noon) and is due ``window_minutes`` later.
"""

import datetime as dt
import zoneinfo

from django.db import connection, transaction
from django.utils import timezone

from relais.core.models import CrisisMode, CrisisModeChange

from .assignment import ASSIGNEE_SQL
from .collection import collection_params, collection_sql

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MAX_PASSAGES = 8
NUMBERS = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(MAX_PASSAGES))


def _minutes_after(base: str, minutes: str) -> str:
    """SQL: the timestamp ``minutes`` (an integer expression) after ``base`` (a parameter)."""
    if connection.vendor == "postgresql":
        return f"(CAST({base} AS timestamptz) + ({minutes}) * INTERVAL '1 minute')"
    return f"datetime({base}, '+' || ({minutes}) || ' minutes')"


def _start_minute() -> str:
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(HOUR FROM t.first_start) * 60 + EXTRACT(MINUTE FROM t.first_start) AS INTEGER)"  # noqa: E501
    return "(CAST(strftime('%%H', t.first_start) AS INTEGER) * 60 + CAST(strftime('%%M', t.first_start) AS INTEGER))"  # noqa: E501


def occurrences_sql(crisis_organisations: int) -> str:
    """The INSERT … SELECT of one day's occurrences; the parameters ``c0`` … ``c<n-1>``
    (``crisis_organisations`` of them, at least one: NULL when none) name the organisations
    in crisis mode."""
    names = ", ".join(f"%(c{index})s" for index in range(crisis_organisations))
    in_crisis = f"t.organisation_id IN ({names})"
    passages = (
        f"(CASE WHEN {in_crisis} THEN COALESCE(t.crisis_passages, t.passages) ELSE t.passages END)"  # noqa: E501
    )
    weekdays = (
        f"(CASE WHEN {in_crisis} THEN COALESCE(t.crisis_weekdays, t.weekdays) ELSE t.weekdays END)"  # noqa: E501
    )
    start = f"{_start_minute()} + p.n * t.interval_minutes"
    return (
        "INSERT INTO proximity_roundoccurrence (organisation_id, template_id, building_id, kind, "
        "day, passage, starts_at, due_at, assignee_id, status, completed_at) "
        f"SELECT t.organisation_id, t.id, t.building_id, t.kind, %(day)s, p.n, "
        f"{_minutes_after('%(midnight)s', start)}, "
        f"{_minutes_after('%(midnight)s', start + ' + t.window_minutes')}, "
        f"{ASSIGNEE_SQL}, 'planned', NULL "
        f"FROM proximity_roundtemplate t JOIN ({NUMBERS}) p ON p.n < {passages} "
        "LEFT JOIN proximity_buildingcaretaker bc ON bc.building_id = t.building_id "
        f"WHERE t.is_active AND (CASE WHEN t.follows_collection THEN {collection_sql()} "
        f"ELSE ({weekdays} & %(bit)s) <> 0 END) "
        "ON CONFLICT (day, template_id, passage) DO NOTHING"
    )


STEPS_SQL = (
    "INSERT INTO proximity_roundstep (organisation_id, occurrence_id, position, label, done_at, "
    "done_by_id, received_at, client_key) "
    "SELECT o.organisation_id, o.id, s.position, s.label, NULL, NULL, NULL, '' "
    "FROM proximity_roundoccurrence o "
    "JOIN proximity_templatestep s ON s.template_id = o.template_id "
    "WHERE o.day = %(day)s AND NOT EXISTS "
    "(SELECT 1 FROM proximity_roundstep x WHERE x.occurrence_id = o.id) "
    "ON CONFLICT (occurrence_id, position) DO NOTHING"
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


def day_parameters(day: dt.date, crisis: list[int]) -> tuple[str, str, dict]:
    """(occurrences SQL, steps SQL, named parameters) for ``day``."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=PARIS)
    midnight = dt.datetime.combine(day, dt.time(0)) - noon.utcoffset()
    params = {
        "day": day,
        "midnight": midnight.strftime("%Y-%m-%d %H:%M:%S"),
        "bit": 1 << day.weekday(),
        **collection_params(day),
    }
    names = crisis or [None]
    for index, organisation_id in enumerate(names):
        params[f"c{index}"] = organisation_id
    return occurrences_sql(len(names)), STEPS_SQL, params


def generate_day(day: dt.date, crisis: list[int] | None = None) -> tuple[int, int]:
    """Generate ``day``'s occurrences and steps for every organisation; returns (new
    occurrences, new steps)."""
    if crisis is None:
        crisis = organisations_in_crisis()
    occurrences, steps, params = day_parameters(day, crisis)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(occurrences, params)
        made = cursor.rowcount
        cursor.execute(steps, params)
        return made, cursor.rowcount


def reassign_sql() -> str:
    """UPDATE of a day's planned passages not started (no step ticked, not yet due) of the
    organisations with staff declarations that day: each gets ``ASSIGNEE_SQL``'s answer, so
    a caretaker declared absent (or back) after the passages were generated is replaced
    (or back) within the hour."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    assignee = (
        f"(SELECT {ASSIGNEE_SQL} FROM proximity_buildingcaretaker bc "
        "WHERE bc.building_id = proximity_roundoccurrence.building_id)"
    )
    return (
        f"UPDATE proximity_roundoccurrence SET assignee_id = {assignee} "
        "WHERE day = %(day)s AND status = 'planned' AND due_at > %(now)s "
        "AND organisation_id IN (SELECT d.organisation_id FROM continuity_declaration d "
        "WHERE d.day = %(day)s) "
        "AND NOT EXISTS (SELECT 1 FROM proximity_roundstep x "
        "WHERE x.occurrence_id = proximity_roundoccurrence.id AND x.done_at IS NOT NULL) "
        f"AND assignee_id {differs} {assignee}"
    )


def reassign_day(day: dt.date, now: dt.datetime | None = None) -> int:
    """Hand ``day``'s passages not started to whoever ``assignment`` names now; returns how
    many changed hands."""
    params = {"day": day, "now": connection.ops.adapt_datetimefield_value(now or timezone.now())}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(reassign_sql(), params)
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
