#!/usr/bin/env python
"""Benchmark of the daily call list (issue 10 §5): 20,000 registered people, 30 callers.

    .venv/bin/python bench/outreach.py                  # SQLite (var/bench-outreach.sqlite3)
    .venv/bin/python bench/outreach.py --people 5000    # a smaller scale on a loaded machine
    DATABASE_URL=postgres://… .venv/bin/python bench/outreach.py

Builds its own landlord in the database of ``DATABASE_URL`` (else its own SQLite file): one
household and occupant per person, all on the register, one campaign every 2 days, each
person with a caller who last called them (80 %) and three past calls, due on a spread of
days (about two thirds due today); every third person also followed by a weekly campaign
(due on another spread: a person due by both is ONE person to call). Then, ``--runs``
times, it deletes today's list (``_clear``) and times ``relais.outreach.services.list_build``
(the lock, the day's sheets, the selection, one follow per person, the balancing and one
row per caller, with its audit event) and a bare SQL selection of the people due
(``calllist.DUE_SQL``: the distinct register entries with a follow due, fetched), and
prints the p95 of both and their ratio; also the p95 of a bare ``INSERT … SELECT`` writing
the same people (one follow each) to one caller's sheet (what writing the list costs
without the balancing). Then the caller's call-list page (``selectors.my_list_rows``) of
the busiest caller against its SQL through a bare cursor.
Targets: list generation ≤ 2 s, ratio to the bare selection ≤ 3.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from region import machine, ms, p95  # noqa: E402

SQLITE_FILE = Path(__file__).resolve().parent.parent / "var" / "bench-outreach.sqlite3"
TARGET_S, TARGET_RATIO = 2.0, 3.0
# The same people written without balancing (all to one caller's sheet, due order): what
# writing the list costs by itself, beside the read-only selection the issue names as the
# baseline.
_BARE_DUE = """
FROM outreach_follow f JOIN outreach_campaign c ON c.id = f.campaign_id
WHERE f.organisation_id = %(org)s AND c.status = 'active'
  AND c.starts_on <= %(day)s AND (c.ends_on IS NULL OR c.ends_on >= %(day)s)
  AND f.state = 'followed' AND f.next_due_on <= %(day)s
"""
# The baseline before one line per person: every follow due, one row per campaign.
FOLLOWS_DUE = "SELECT f.id, f.entry_id" + _BARE_DUE
# One follow per person (a person followed by two campaigns is one line), in due order.
_BARE_PEOPLE = (
    "SELECT MIN(f.id) AS id, MIN(f.next_due_on) AS due" + _BARE_DUE + "GROUP BY f.entry_id"
)
BARE_INSERT = {
    "sqlite": "INSERT INTO outreach_callsheet (organisation_id, caller_id, day, follows) "
    "SELECT %(org)s, %(c)s, %(day)s, json_group_array(id) FROM ("
    + _BARE_PEOPLE
    + " ORDER BY due, id)",
    "postgresql": "INSERT INTO outreach_callsheet (organisation_id, caller_id, day, follows) "
    "SELECT %(org)s, %(c)s, %(day)s, json_agg(p.id ORDER BY p.due, p.id) FROM ("
    + _BARE_PEOPLE
    + ") p",
}
SLUG = "bench-outreach"
# A second campaign following every third person: they are one person to call, not two.
SECOND = "Confinement"


def setup(people: int, callers: int):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-outreach")
    os.environ.setdefault("AUDIT_HMAC_KEY", "bench-outreach-audit-key-0000000000")
    os.environ.setdefault("SECURE_HTTPS", "0")
    if not os.environ.get("DATABASE_URL"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from relais.core.models import Organisation

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None or _registered(organisation) != people:
        organisation = _seed(people, callers)
    return organisation


def _registered(organisation) -> int:
    """People on the register, when the bench's second campaign is there (else 0: re-seed)."""
    from relais.outreach.models import Campaign, RegisterEntry

    if not Campaign.objects.filter(organisation=organisation, name=SECOND).exists():
        return 0
    return RegisterEntry.objects.filter(organisation=organisation).count()


def _fresh_landlord(callers: int):
    """The bench's landlord emptied (or created), with ``callers`` outreach callers."""
    from django.contrib.auth import get_user_model

    from relais.core.models import Membership, Organisation
    from relais.housing.models import Household, Occupant
    from relais.outreach.models import Call, CallSheet, Campaign, Follow, RegisterEntry

    User = get_user_model()
    old = Organisation.objects.filter(slug=SLUG).first()
    if old is not None:
        for model in (CallSheet, Call, Follow, Campaign, RegisterEntry, Occupant, Household):
            model.objects.filter(organisation=old).delete()
        Membership.objects.filter(organisation=old).delete()
        User.objects.filter(username__startswith="bench-caller-").delete()
    organisation = old or Organisation.objects.create(name="Bench outreach", slug=SLUG)
    users = User.objects.bulk_create([User(username=f"bench-caller-{i}") for i in range(callers)])
    members = Membership.objects.bulk_create(
        [Membership(organisation=organisation, user=u, role="outreach_caller") for u in users]
    )
    return organisation, members


def _register(organisation, people: int, today):
    """``people`` households with one occupant each, all on the register."""
    from relais.housing.models import Household, Occupant
    from relais.outreach.models import RegisterEntry

    households = Household.objects.bulk_create(
        [
            Household(organisation=organisation, reference=f"M{i:06d}", name=f"Famille {i}")
            for i in range(people)
        ],
        batch_size=2000,
    )
    occupants = Occupant.objects.bulk_create(
        [
            Occupant(
                organisation=organisation,
                household=h,
                first_name="Jeanne",
                last_name=f"N{i}",
                birth_date=dt.date(1940, 1, 1),
            )
            for i, h in enumerate(households)
        ],
        batch_size=2000,
    )
    return RegisterEntry.objects.bulk_create(
        [
            RegisterEntry(
                organisation=organisation,
                occupant=o,
                household_id=o.household_id,
                source="occupant_data",
                consent_by="person",
                consent_on=today,
            )
            for o in occupants
        ],
        batch_size=2000,
    )


def _history(organisation, entries, members, today, now):
    """A campaign every 2 days; each person with a last caller (80 %) and three past calls."""
    from relais.outreach.models import Call, Campaign, Follow

    rng = random.Random(10)
    campaign = Campaign.objects.create(
        organisation=organisation,
        name="Canicule",
        kind="heatwave",
        cadence_days=2,
        script="…",
        starts_on=today - dt.timedelta(days=6),
        status="active",
    )
    follows = Follow.objects.bulk_create(
        [
            Follow(
                organisation=organisation,
                campaign=campaign,
                entry=e,
                caller=rng.choice(members) if rng.random() < 0.8 else None,
                next_due_on=today + dt.timedelta(days=rng.choice((-1, 0, 1))),
            )
            for e in entries
        ],
        batch_size=2000,
    )
    _second_campaign(organisation, follows[::3], today, rng)
    Call.objects.bulk_create(
        [
            Call(
                organisation=organisation,
                follow=f,
                campaign=campaign,
                caller_id=f.caller_id,
                called_at=now - dt.timedelta(days=2 * k),
                outcome="fine",
            )
            for f in follows
            for k in (1, 2, 3)
        ],
        batch_size=5000,
    )


def _second_campaign(organisation, follows, today, rng):
    """A weekly campaign following the people of ``follows`` too (same last caller), due on
    another spread of days: a person due by both is one person to call."""
    from relais.outreach.models import Campaign, Follow

    weekly = Campaign.objects.create(
        organisation=organisation,
        name=SECOND,
        kind="lockdown",
        cadence_days=7,
        script="…",
        starts_on=today - dt.timedelta(days=6),
        status="active",
    )
    Follow.objects.bulk_create(
        [
            Follow(
                organisation=organisation,
                campaign=weekly,
                entry_id=f.entry_id,
                caller_id=f.caller_id,
                next_due_on=today + dt.timedelta(days=rng.choice((-2, 0, 3))),
            )
            for f in follows
        ],
        batch_size=2000,
    )


def _seed(people: int, callers: int):
    """A fresh landlord with the register, its callers and their history."""
    from django.db import connection, transaction
    from django.utils import timezone

    print(f"seeding {people} registered people and {callers} callers…", flush=True)
    now, today = timezone.now(), timezone.localdate()
    with transaction.atomic():
        organisation, members = _fresh_landlord(callers)
        entries = _register(organisation, people, today)
        _history(organisation, entries, members, today, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return organisation


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--callers", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    organisation = setup(args.people, args.callers)
    from django.db import connection, transaction
    from django.utils import timezone

    from relais.outreach import calllist, services

    today = timezone.localdate()
    _maintained(organisation)
    first_caller = calllist.callers_on_duty(organisation)[0]
    built, bare, bare_follows, bare_insert, sizes = [], [], [], [], []
    for _ in range(args.runs):
        _clear(organisation, today)
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                BARE_INSERT[connection.vendor],
                {"org": organisation.pk, "day": today, "c": first_caller},
            )
        bare_insert.append(time.perf_counter() - start)
        _clear(organisation, today)
        start = time.perf_counter()
        sizes.append(services.list_build(organisation=organisation, day=today))
        built.append(time.perf_counter() - start)
        due = _timed_select(calllist.DUE_SQL, {"org": organisation.pk, "day": today}, bare)
        _timed_select(FOLLOWS_DUE, {"org": organisation.pk, "day": today}, bare_follows)
    page = _page_figures(organisation, today, args.runs)
    ratio = p95(built) / p95(bare)
    write_ratio = p95(built) / p95(bare_insert)
    print(f"outreach call list on {connection.vendor} ({machine()})")
    print(
        f"  registered {args.people}, callers {args.callers}, due today {due}, listed {sizes[-1]}"
    )
    print(f"  list generation p95 {ms(p95(built))} (target ≤ {TARGET_S:.0f} s)")
    print(f"  bare SQL selection of the people due p95 {ms(p95(bare))}")
    print(f"  ratio {ratio:.2f} (target ≤ {TARGET_RATIO:.0f})")
    print(
        f"  (the follows due, one row per campaign — the baseline before one line per person —"
        f" p95 {ms(p95(bare_follows))}, ratio {p95(built) / p95(bare_follows):.2f})"
    )
    print(
        "  bare SQL INSERT … SELECT of the people due into one caller's sheet, p95 "
        f"{ms(p95(bare_insert))}"
    )
    print(f"  ratio to writing the same rows unbalanced {write_ratio:.2f}")
    lines, ours, sql = page
    print(f"  caller's call-list page ({lines} lines): p95 {ms(ours)}, bare SQL of the same rows")
    print(f"    {ms(sql)}, ratio {ours / sql:.2f} (target ≤ {TARGET_RATIO:.0f})")


def _timed_select(sql: str, params: dict, into: list) -> int:
    """Run ``sql`` and fetch its rows through a bare cursor; appends the seconds to
    ``into``, returns the number of rows."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = len(cursor.fetchall())
    into.append(time.perf_counter() - start)
    return rows


def _maintained(organisation) -> None:
    """On PostgreSQL, vacuum the follows as autovacuum would have overnight (every call
    updates its follow: a day of calls is some 13,000 updates, three times the threshold
    of autovacuum on this table), so the selection reads the table as a real morning does.
    The bare selection scans the table either way."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE outreach_follow")


def _clear(organisation, today) -> None:
    """Delete today's list before a timed write, and on PostgreSQL vacuum the table (a real
    morning writes into a table without today's dead rows). Applied alike before the bare
    insert and before ours."""
    from django.db import connection

    from relais.outreach.models import CallSheet

    CallSheet.objects.filter(organisation=organisation, day=today).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM outreach_callsheet")


def _page_figures(organisation, today, runs: int) -> tuple[int, float, float]:
    """The caller's list page of the busiest caller: (lines, p95 of ``my_list_rows``, p95 of
    its SQL through a bare cursor)."""
    from django.db import connection

    from relais.outreach import selectors
    from relais.outreach.models import CallSheet

    busiest = max(
        CallSheet.objects.filter(organisation=organisation, day=today),
        key=lambda sheet: len(sheet.follows),
    )
    caller = busiest.caller
    sql, params = selectors.my_list_sql(), selectors.my_list_params(organisation, caller, today)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    samples = {"ours": [], "sql": []}
    calls = {"ours": lambda: selectors.my_list_rows(organisation, caller, today), "sql": bare}
    for _ in range(runs * 4):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return len(busiest.follows), p95(samples["ours"]), p95(samples["sql"])


if __name__ == "__main__":
    main()
