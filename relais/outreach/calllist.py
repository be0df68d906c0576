"""The day's call list: one selection of the people due, the sharing in memory, one row per
caller and day (ADR 0039 §4, ADR 0050).

Who is due: the followed people of the organisation's active campaigns (started, not ended)
whose ``next_due_on`` is today or past, not yet on a sheet of the day. How they are shared
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

Nobody is listed twice a day: a build reads the day's sheets and lists only people on none of
them, and builds of one organisation run one at a time (PostgreSQL: a transaction-scoped
advisory lock taken first; SQLite: ``transaction_mode = IMMEDIATE``, the write lock taken at
``BEGIN``), so a second run, or two at once, add nothing; ``(caller, day)`` is unique besides.
A run killed before its commit leaves nothing: the sheets are written in the service's one
transaction.

Sharing in SQL was tried twice: one ``INSERT … WITH … SELECT`` with window functions costs 10
to 14 times the bare selection of the people due on SQLite and 7 on PostgreSQL, where the same
sharing over the selected rows costs a few milliseconds in Python.
"""

import datetime as dt
import math

from django.db import connection
from django.db.models import Exists, Q

from relais.core.models import Membership
from relais.core.roles import Role

from .models import CallSheet, RotaSlot

DUE_SQL = """
SELECT f.id, f.entry_id FROM outreach_follow f JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
"""
# The people due, the oldest due first: (follow, last caller). Those already on a sheet of the
# day are left out in memory (``build``: the day's sheets are read first, under the lock).
_DUE_IN_ORDER = DUE_SQL.replace("SELECT f.id, f.entry_id", "SELECT f.id, f.caller_id") + (
    "ORDER BY f.next_due_on, f.id"
)
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
    chosen: list[int | None] = []
    for _follow, last in due:
        if last in loads and loads[last] < cap:
            loads[last] += 1
            chosen.append(last)
        else:
            chosen.append(None)
    free = iter([pk for pk in callers for _slot in range(cap - loads[pk])])
    sheets: dict[int, list[int]] = {pk: [] for pk in callers}
    for (follow, _last), caller in zip(due, chosen, strict=True):
        sheets[caller if caller is not None else next(free)].append(follow)
    return {pk: follows for pk, follows in sheets.items() if follows}


def callers_on_duty(organisation, day: dt.date | None = None) -> list[int]:
    """Membership ids, ascending, of the organisation's outreach callers on duty on ``day``:
    the active callers with a rota slot on its weekday (every active caller while the
    organisation has no rota), less those absent that day in continuity's staff
    availability (``relais.continuity.selectors.absent_members``). Without ``day``: every
    active caller. Two queries."""
    from relais.continuity.selectors import absent_members

    callers = Membership.objects.filter(
        organisation=organisation, role=Role.OUTREACH_CALLER, is_active=True
    ).order_by("pk")
    if day is None:
        return list(callers.values_list("pk", flat=True))
    slots = RotaSlot.objects.filter(organisation=organisation)
    callers = callers.filter(
        ~Exists(slots) | Q(pk__in=slots.filter(weekday=day.weekday()).values("caller_id"))
    )
    ids = list(callers.values_list("pk", flat=True))
    absent = absent_members(organisation, [day], ids)
    return [pk for pk in ids if (pk, day) not in absent]


def _lock(organisation_id: int) -> None:
    """One build at a time per organisation, until the transaction ends (on SQLite the
    ``IMMEDIATE`` transaction already holds the database's write lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, organisation_id])


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


def build(*, organisation_id: int, day: dt.date, caller_ids: list[int]) -> int:
    """Write ``day``'s call list; returns the number of people added (0 without callers).
    Run inside a transaction (``services.list_build``). Three statements for a first run
    (the lock, the day's sheets, the selection) and one insert of a row per caller; a later
    run of the day appends the people newly due to the callers' sheets (one update each).
    The sheets' foreign keys are the database's (organisation, caller)."""
    ids = [int(pk) for pk in caller_ids]
    if not ids:
        return 0
    _lock(organisation_id)
    sheets = {
        caller: (pk, follows)
        for pk, caller, follows in CallSheet.objects.filter(
            organisation_id=organisation_id, day=day
        ).values_list("pk", "caller_id", "follows")
    }
    listed = {follow for _pk, follows in sheets.values() for follow in follows}
    with connection.cursor() as cursor:
        cursor.execute(_DUE_IN_ORDER, {"org": organisation_id, "day": day})
        due = [row for row in cursor.fetchall() if row[0] not in listed]
    shared = share(due, ids)
    _insert(organisation_id, day, {c: f for c, f in shared.items() if c not in sheets})
    for caller, follows in shared.items():
        if caller in sheets:
            pk, before = sheets[caller]
            CallSheet.objects.filter(pk=pk).update(follows=[*before, *follows])
    return sum(len(follows) for follows in shared.values())
