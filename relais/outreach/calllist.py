"""The day's call list: one selection of the people due, the sharing in memory, one row per
caller and day (ADR 0039 §4, ADR 0050).

Who is due: the followed people of the organisation's active campaigns (started, not ended)
whose ``next_due_on`` is today or past, not yet on a sheet of the day — one line per
PERSON (register entry): someone followed by several campaigns is listed once, by their
oldest due follow, and a call moves every follow of theirs due (``services.call_record``).
How they are shared
among the callers on duty (``caller_ids``; :func:`share`):

0. the callers on duty are those of the weekly rota for the day, less the absent
   (``callers_on_duty``);
1. each caller gets at most ``cap = ceil(due / callers)`` people;
2. a person keeps the caller who last called them when that caller is on duty and still has
   room (the oldest due first);
3. the others fill the remaining room of each caller in turn (callers by id, people by due
   date then id).

So loads differ by at most one person per caller above the cap. Each caller's people go to
their ``CallSheet`` of the day (``[follow id, …]`` in the order to call them): a new sheet, or
appended to the one a first run of the day wrote. The person's state of the day (attempts,
retry time, done) is written only when a call is made, on the follow and the call row
(``selectors.my_list_rows`` reads it back), so a list of 13,000 people is some thirty rows
(``bench/outreach.py``).

Nobody is listed twice a day: a build reads the people on the day's sheets (through their
follows) and lists only people on none of them, and builds of one organisation run one at a
time (PostgreSQL: a transaction-scoped advisory lock taken first; SQLite:
``transaction_mode = IMMEDIATE``, the write lock taken at ``BEGIN``), so a second run, or
two at once, add nothing; ``(caller, day)`` is unique besides. A run killed before its
commit leaves nothing: the sheets are written in the service's one transaction.

Sharing in SQL was tried twice: one ``INSERT … WITH … SELECT`` with window functions costs 10
to 14 times the bare selection of the people due on SQLite and 7 on PostgreSQL, where the same
sharing over the selected rows costs a few milliseconds in Python.
"""

import datetime as dt
import json
import math
import re

from django.db import connection
from django.db.backends.postgresql.psycopg_any import is_psycopg3

from relais.core.models import Membership
from relais.core.roles import Role

from .models import CallSheet

_DUE_FROM = """
FROM outreach_follow f JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
"""
# The people due: one row per register entry with a follow due (a person followed by two
# campaigns is one person to call). The bench's baseline.
DUE_SQL = "SELECT DISTINCT f.entry_id" + _DUE_FROM
# The follows due, the oldest due first: (follow, last caller, entry). ``build`` keeps the
# first follow of each person and leaves out the people already on a sheet of the day.
_DUE_IN_ORDER = "SELECT f.id, f.caller_id, f.entry_id" + _DUE_FROM + "ORDER BY f.next_due_on, f.id"
_SHEETS_SQL = (
    "SELECT id, caller_id, follows FROM outreach_callsheet WHERE organisation_id = %s AND day = %s"
)
# The people (register entries) already on a sheet of the day, through the follows listed.
_LISTED_PEOPLE_SQL = {
    "sqlite": "SELECT DISTINCT f.entry_id FROM outreach_callsheet s JOIN json_each(s.follows) p "
    "JOIN outreach_follow f ON f.id = p.value WHERE s.organisation_id = %s AND s.day = %s",
    "postgresql": "SELECT DISTINCT f.entry_id FROM outreach_callsheet s CROSS JOIN LATERAL "
    "json_array_elements_text(s.follows) AS p(value) JOIN outreach_follow f "
    "ON f.id = p.value::bigint WHERE s.organisation_id = %s AND s.day = %s",
}
_NAMED = re.compile(r"%\((\w+)\)s")
# Key of the PostgreSQL advisory lock serialising the builds of one organisation (with its id):
# the issue number and "list".
_LOCK_CLASS = 10_0001


def share(due: list[tuple[int, int | None]], caller_ids: list[int]) -> dict[int, list[int]]:
    """``{caller: [follow, …]}``, each caller's people in position order, for ``due`` =
    ``[(follow, last caller or None)]`` in the order they are to be called, shared among
    ``caller_ids`` by the rules above (no caller: nobody listed; a caller with nobody is
    left out). Pure: no query."""
    callers = sorted(set(caller_ids))
    if not callers or not due:
        return {}
    cap = math.ceil(len(due) / len(callers))
    loads = dict.fromkeys(callers, 0)
    sheets: dict[int, list[int]] = {pk: [] for pk in callers}
    # First pass: the sheet each person keeps (their last caller's, while it has room), or
    # None; the second fills the rest in order, so each sheet stays in due order.
    kept: list[list[int] | None] = []
    keep = kept.append
    for _follow, last in due:
        if loads.get(last, cap) < cap:
            loads[last] += 1
            keep(sheets[last])
        else:
            keep(None)
    free = iter([sheets[pk] for pk in callers for _slot in range(cap - loads[pk])])
    for (follow, _last), sheet in zip(due, kept, strict=True):
        (sheet if sheet is not None else next(free)).append(follow)
    return {pk: follows for pk, follows in sheets.items() if follows}


_ON_DUTY_SQL = """
SELECT m.id FROM core_membership m
WHERE m.organisation_id = %(org)s AND m.role = %(role)s AND m.is_active
  AND (NOT EXISTS (SELECT 1 FROM outreach_rotaslot r WHERE r.organisation_id = %(org)s)
       OR EXISTS (SELECT 1 FROM outreach_rotaslot r WHERE r.organisation_id = %(org)s
                  AND r.caller_id = m.id AND r.weekday = %(weekday)s))
  AND NOT EXISTS (
    SELECT 1 FROM continuity_declaration d JOIN continuity_staffmember s ON s.id = d.staff_id
    WHERE d.organisation_id = %(org)s AND d.day = %(day)s AND s.membership_id = m.id
      AND d.status NOT IN ({available}))
ORDER BY m.id
"""


def _on_duty(organisation_id: int, day: dt.date) -> tuple[str, list]:
    """The statement of ``callers_on_duty`` for ``day``: (sql, params). Absent = a declaration
    of the day in continuity whose status is not one of ``AVAILABLE_STATUSES`` (on site,
    telework), as ``continuity.selectors.is_absent`` decides it. Written by hand: the same
    query built by the ORM cost 2.4 ms of Python per build (some 10 % of it)."""
    from relais.continuity.models import AVAILABLE_STATUSES

    available = {f"s{i}": str(status) for i, status in enumerate(sorted(AVAILABLE_STATUSES))}
    sql = _ON_DUTY_SQL.replace("{available}", ", ".join(f"%({name})s" for name in available))
    named = {"org": organisation_id, "role": Role.OUTREACH_CALLER.value, "day": day}
    return _positional(sql, {**named, "weekday": day.weekday(), **available})


def callers_on_duty(organisation, day: dt.date | None = None) -> list[int]:
    """Membership ids, ascending, of the organisation's outreach callers on duty on ``day``:
    the active callers with a rota slot on its weekday (every active caller while the
    organisation has no rota), less those absent that day in continuity's staff
    availability (as ``relais.continuity.selectors.is_absent`` decides it). Without ``day``: every
    active caller. One query."""
    if day is None:
        callers = Membership.objects.filter(
            organisation=organisation, role=Role.OUTREACH_CALLER, is_active=True
        )
        return list(callers.order_by("pk").values_list("pk", flat=True))
    sql, params = _on_duty(organisation.pk, day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _positional(sql: str, named: dict) -> tuple[str, list]:
    """``sql`` with ``%(name)s`` placeholders as ``%s`` and its parameters in order."""
    return _NAMED.sub("%s", sql), [named[name] for name in _NAMED.findall(sql)]


def _read_together(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """The rows of each ``(sql, params)``, run in order. On PostgreSQL with psycopg's
    client-side binding (Django's default) they go in one round trip, one simple-query
    message: each statement still takes its own snapshot under READ COMMITTED, so what a
    statement after the lock reads includes what the lock waited for. Elsewhere (SQLite, in
    process) one ``execute`` each."""
    together = (
        connection.vendor == "postgresql"
        and is_psycopg3
        and not connection.settings_dict["OPTIONS"].get("server_side_binding")
    )
    results = []
    with connection.cursor() as cursor:
        if together:
            cursor.execute(
                ";\n".join(sql for sql, _params in statements),
                [value for _sql, params in statements for value in params],
            )
            for index in range(len(statements)):
                if index:
                    cursor.nextset()
                results.append(cursor.fetchall())
            return results
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    return results


def _insert(organisation_id: int, day: dt.date, sheets: dict[int, list[int]]) -> None:
    """The new sheets in one statement (``{caller: [follow, …]}``)."""
    if not sheets:
        return
    field = CallSheet._meta.get_field("follows")
    values = ", ".join(["(%s, %s, %s, %s)"] * len(sheets))
    params = [
        value
        for caller, follows in sheets.items()
        for value in (organisation_id, caller, day, field.get_prep_value(follows))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO outreach_callsheet (organisation_id, caller_id, day, follows) "
            f"VALUES {values}",
            params,
        )


def build(*, organisation, day: dt.date, caller_ids: list[int] | None = None) -> tuple[int, int]:
    """Write ``day``'s call list, shared among ``caller_ids`` (None: ``callers_on_duty``);
    returns (people added, callers shared among); nothing without callers. Run inside a
    transaction (``services.list_build``).

    One round trip on PostgreSQL reads everything, in this order: the per-organisation lock
    (``pg_advisory_xact_lock``, held to the commit; on SQLite the ``IMMEDIATE`` transaction
    holds the write lock from ``BEGIN``), the callers on duty, the day's sheets, the people
    on them and the follows due (one per person kept). Then one insert of a row per caller
    for a first run; a later run of the day appends the people newly due to the callers'
    sheets (one update each). The sheets' foreign keys are the database's (organisation, caller)."""
    org = organisation.pk
    statements = []
    if connection.vendor == "postgresql":
        statements.append(("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, org]))
    if caller_ids is None:
        statements.append(_on_duty(org, day))
    statements.append((_SHEETS_SQL, [org, day]))
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    statements.append((_LISTED_PEOPLE_SQL[vendor], [org, day]))
    statements.append(_positional(_DUE_IN_ORDER, {"org": org, "day": day}))
    *read, sheet_rows, listed_rows, due_rows = _read_together(statements)
    given = caller_ids is not None
    ids = [int(pk) for pk in caller_ids] if given else [pk for (pk,) in read[-1]]
    if not ids:
        return 0, 0
    sheets = {caller: (pk, _ids(follows)) for pk, caller, follows in sheet_rows}
    due = _one_per_person(due_rows, {entry for (entry,) in listed_rows})
    shared = share(due, ids)
    _insert(org, day, {c: f for c, f in shared.items() if c not in sheets})
    for caller, follows in shared.items():
        if caller in sheets:
            pk, before = sheets[caller]
            CallSheet.objects.filter(pk=pk).update(follows=[*before, *follows])
    return sum(len(follows) for follows in shared.values()), len(ids)


def _one_per_person(due_rows, listed: set[int]) -> list[tuple[int, int | None]]:
    """``[(follow, last caller)]`` of ``due_rows`` (``(follow, last caller, entry)`` in due
    order), one per person: the first (oldest due) follow of each entry not in ``listed``
    (already on a sheet of the day). A call to that person moves every follow of theirs
    due (``services.call_record``)."""
    seen = set(listed)
    due = []
    for follow, caller, entry in due_rows:
        if entry not in seen:
            seen.add(entry)
            due.append((follow, caller))
    return due


def _ids(follows) -> list[int]:
    """A sheet's ``follows`` read by a bare cursor (psycopg decodes ``json``; SQLite: text)."""
    return follows if isinstance(follows, list) else json.loads(follows)
