"""The federation bench's events: ``events`` rows over twelve weeks spread across the source
tables the indicators read, in proportions of a region of 200,000 dwellings (35 members).

Shares of the events (what a quarter of a landlord's activity writes, per 200,000 homes):
caretakers' rounds passages 30 % (one passage a day on a third of the buildings), rent calls
20 % (one a lease a month) and payments 10 %, staff days 15 % (a declaration a person a
working day), protective-equipment movements 12 %, calls to vulnerable tenants 8 %, and
intervention requests 5 % (about one home in 200 a week). Parents (dwellings, households,
leases, staff, the register) are created as many as the events need, per member.

Set-based: every large table is written by one ``INSERT … SELECT`` a member over a series of
row numbers (``generate_series`` on PostgreSQL, a recursive CTE on SQLite), no model saved row
by row. The "random" choices are a multiplicative hash of the row number (deterministic, the
same shares as a draw: 92 % of calls paid, 90 % of passages done…); dates and times come from
two small calendar tables (the 84 days, the 2,016 hours of the twelve weeks) joined by number.
Parents are inserted in one statement each, so their ids are consecutive (checked) and a row
points at its parent by arithmetic on the first id.
"""

import datetime as dt
import math
import random

from django.db import connection, transaction
from django.utils import timezone

DAYS = 84  # twelve weeks
HOURS = DAYS * 24
SHARES = {
    "rounds": 0.30,
    "rent_calls": 0.20,
    "payments": 0.10,
    "staff_days": 0.15,
    "movements": 0.12,
    "calls": 0.08,
    "requests": 0.05,
}
REGISTER_PER_MEMBER = 120  # people on the vulnerable register
# Multipliers of the row-number hash (odd; the products stay well within 64 bits).
MIXERS = (2654435761, 2246822507, 3266489909, 3432918353, 461845907)


def seed_events(members, events: int, rng: random.Random) -> dict[str, int]:
    """Every member's share of each kind of event; returns {kind: rows written}.
    ``rng`` seeds the hash offset (the same ``rng`` gives the same rows)."""
    per_member = {kind: int(events * share) // len(members) for kind, share in SHARES.items()}
    written = dict.fromkeys(SHARES, 0)
    salt = rng.randint(0, 10_000)
    _calendar()
    for member in members:
        salt += 100_003  # each member its own draws
        with transaction.atomic():
            leases, households = _homes(member, per_member["rent_calls"])
            written["rent_calls"] += _rent(member, leases, per_member, salt)
            written["payments"] += per_member["payments"]
            written["rounds"] += _rounds(member, per_member["rounds"], salt)
            written["staff_days"] += _staff(member, per_member["staff_days"], salt)
            written["movements"] += _movements(member, per_member["movements"], salt)
            written["calls"] += _calls(member, households, per_member["calls"], salt)
            written["requests"] += _requests(member, per_member["requests"], salt)
    return written


# Set-based writing --------------------------------------------------------------------------


def _series(count: int) -> str:
    """FROM clause of ``count`` row numbers ``n.i`` from 0 (64-bit on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return f"generate_series(0::bigint, {int(count) - 1}) AS n(i)"
    return (
        f"(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
        f"WHERE i < {int(count) - 1}) SELECT i FROM s) AS n"
    )


def _hash(number: int, salt: int, modulo: int) -> str:
    """A pseudo-random 0 … ``modulo``-1 of the row number ``n.i`` (Knuth's multiplicative
    hash: the high 16 of its 32 bits, then a modulo; the same on both databases)."""
    return f"(((n.i + {salt}) * {MIXERS[number]}) %% 4294967296 / 65536 %% {modulo})"


def _pick(number: int, salt: int, values) -> str:
    """One of ``values`` (constants of this module, quoted) by the row number's hash."""
    cases = " ".join(f"WHEN {k} THEN {_quote(v)}" for k, v in enumerate(values))
    return f"(CASE {_hash(number, salt, len(values))} {cases} END)"


def _adapt(value):
    """A date or an aware datetime as the database binds it."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def _param(value) -> tuple:
    return ("%s", [_adapt(value)])


def _quote(value) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _insert(model, source: str, exprs: dict) -> int:
    """INSERT INTO ``model``'s table the rows of ``source`` (a FROM clause): ``exprs`` gives
    the SQL of some columns (by attname), or (SQL, its parameters); every other concrete
    column gets its field's default (``auto_now``/``auto_now_add``: now; nullable without
    default: NULL; else ""). Returns the rows written."""
    now = timezone.now()
    columns, values, bound = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in exprs:
            expr = exprs.pop(field.attname)
            sql, params = expr if isinstance(expr, tuple) else (expr, [])
            values.append(sql)
            bound += params
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or field.null or field.empty_strings_allowed:
            value = field.get_default()  # the default, else NULL, else ""
        else:
            raise ValueError(f"{model.__name__}.{field.name}: no value given")
        values.append("%s")
        bound.append(field.get_db_prep_save(value, connection))
    assert not exprs, f"unknown columns {sorted(exprs)}"
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return cursor.rowcount


def _ids(model, organisation, count: int) -> int:
    """The first id of ``organisation``'s ``count`` rows of ``model`` (checked consecutive)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(id), MAX(id), COUNT(*) FROM {model._meta.db_table} "
            "WHERE organisation_id = %s",
            [organisation.pk],
        )
        first, last, found = cursor.fetchone()
    assert found == count and last - first + 1 == count, (model, first, last, found, count)
    return first


def _calendar() -> None:
    """Two temporary tables: ``bench_day(k, day)`` — the 84 days back from today — and
    ``bench_hour(k, at)`` — the 2,016 hours back from now (aware, stored as the database
    stores datetimes)."""
    today, now = timezone.localdate(), timezone.now().replace(minute=0, second=0, microsecond=0)
    ops = connection.ops
    with connection.cursor() as cursor:
        for table, kind in (("bench_day", "date"), ("bench_hour", "timestamp")):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            kind = _column(kind)
            cursor.execute(f"CREATE TEMPORARY TABLE {table} (k integer PRIMARY KEY, v {kind})")
        cursor.executemany(
            "INSERT INTO bench_day (k, v) VALUES (%s, %s)",
            [(k, ops.adapt_datefield_value(today - dt.timedelta(days=k))) for k in range(DAYS)],
        )
        cursor.executemany(
            "INSERT INTO bench_hour (k, v) VALUES (%s, %s)",
            [(k, ops.adapt_datetimefield_value(now - dt.timedelta(hours=k))) for k in range(HOURS)],
        )


def _column(kind: str) -> str:
    """The column type of a calendar table: text on SQLite (as Django stores dates there)."""
    if connection.vendor != "postgresql":
        return "text"
    return "timestamp with time zone" if kind == "timestamp" else kind


def _months(today) -> list[dt.date]:
    return sorted({(today - dt.timedelta(days=n)).replace(day=1) for n in range(DAYS)})


def _text(prefix: str) -> str:
    """``prefix`` followed by the row number, as text on both databases."""
    return f"({_quote(prefix)} || CAST(n.i AS {_text_type()}))"


def _text_type() -> str:
    return "text" if connection.vendor == "postgresql" else "TEXT"


# The activities -----------------------------------------------------------------------------


def _homes(member, rent_calls):
    """As many dwellings, households and leases as the rent calls need (one a month); returns
    (leases, households): (count, first id) each."""
    from relais.housing.models import Building, Dwelling, Household, Lease

    count = max(1, math.ceil(rent_calls / len(_months(timezone.localdate()))))
    buildings = Building.objects.filter(organisation=member).count()
    first_building = _ids(Building, member, buildings)
    org = member.pk
    _insert(
        Dwelling,
        _series(count),
        {
            "organisation_id": str(org),
            "building_id": f"({first_building} + n.i %% {buildings})",
            "reference": _text("D"),
            "typology": "'T3'",
            "surface": "65",
            "financing": "'PLUS'",
            "rent_cents": "42000",
        },
    )
    _insert(
        Household,
        _series(count),
        {"organisation_id": str(org), "reference": _text("H"), "name": _text("Foyer ")},
    )
    dwelling, household = _ids(Dwelling, member, count), _ids(Household, member, count)
    _insert(
        Lease,
        _series(count),
        {
            "organisation_id": str(org),
            "reference": _text("L"),
            "dwelling_id": f"({dwelling} + n.i)",
            "household_id": f"({household} + n.i)",
            "start_date": _param(dt.date(2020, 1, 1)),
            "rent_cents": "42000",
            "charges_cents": "8000",
        },
    )
    return (count, _ids(Lease, member, count)), (count, household)


def _rent(member, leases, per_member, salt) -> int:
    """A call a lease a month (92 % paid in full, else unpaid or 200 € paid), then the
    payments spread over the twelve weeks."""
    from relais.rent.models import Payment, RentCall

    count, first = leases
    months = _months(timezone.localdate())
    calls = min(per_member["rent_calls"], count * len(months))
    month = " ".join(f"WHEN {k} THEN %s" for k in range(len(months)))
    paid = (
        f"(CASE WHEN {_hash(0, salt, 100)} < 92 THEN 50000 "
        f"WHEN {_hash(1, salt, 2)} = 0 THEN 0 ELSE 20000 END)"
    )
    _insert(
        RentCall,
        _series(calls),
        {
            "organisation_id": str(member.pk),
            "lease_id": f"({first} + n.i %% {count})",
            "month": (f"(CASE n.i / {count} {month} END)", [_adapt(m) for m in months]),
            "days": "30",
            "month_days": "30",
            "rent_cents": "42000",
            "charges_cents": "8000",
            "benefit_cents": "0",
            "rls_cents": "0",
            "amount_cents": "50000",
            "paid_cents": paid,
        },
    )
    _insert(
        Payment,
        f"{_series(per_member['payments'])} JOIN bench_day d ON d.k = {_hash(2, salt, DAYS)}",
        {
            "organisation_id": str(member.pk),
            "lease_id": f"({first} + n.i %% {count})",
            "amount_cents": "50000",
            "received_on": "d.v",
            "method": "'transfer'",
        },
    )
    return calls


def _rounds(member, count, salt) -> int:
    """One template a building; its passages on days spread over the twelve weeks, 90 %
    done (in the hour), the others missed."""
    from relais.housing.models import Building
    from relais.proximity.models import RoundOccurrence, RoundTemplate

    buildings = Building.objects.filter(organisation=member).count()
    first_building = _ids(Building, member, buildings)
    _insert(
        RoundTemplate,
        _series(buildings),
        {
            "organisation_id": str(member.pk),
            "building_id": f"({first_building} + n.i)",
            "kind": "'cleaning'",
            "name": "'Ménage'",
            "first_start": ("%s", [connection.ops.adapt_timefield_value(dt.time(8))]),
        },
    )
    first = _ids(RoundTemplate, member, buildings)
    zone = timezone.get_current_timezone()
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_start")
        kind = _column("timestamp")
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_start (k integer PRIMARY KEY, day {_column('date')}, "
            f"starts {kind}, done {kind}, due {kind})"
        )
        rows = []
        for k in range(DAYS):
            day = timezone.localdate() - dt.timedelta(days=k)
            starts = dt.datetime.combine(day, dt.time(8), tzinfo=zone)
            rows.append(
                (k, ops.adapt_datefield_value(day))
                + tuple(
                    ops.adapt_datetimefield_value(starts + dt.timedelta(hours=h)) for h in (0, 1, 2)
                )
            )
        cursor.executemany("INSERT INTO bench_start VALUES (%s, %s, %s, %s, %s)", rows)
    done = f"{_hash(0, salt, 10)} < 9"
    return _insert(
        RoundOccurrence,
        f"{_series(count)} JOIN bench_start d ON d.k = ((n.i / {buildings}) * 37) %% {DAYS}",
        {
            "organisation_id": str(member.pk),
            "template_id": f"({first} + n.i %% {buildings})",
            "building_id": f"({first_building} + n.i %% {buildings})",
            "kind": "'cleaning'",
            "day": "d.day",
            "passage": f"(1 + (n.i / {buildings}) / {DAYS})",
            "starts_at": "d.starts",
            "due_at": "d.due",
            "status": f"(CASE WHEN {done} THEN 'done' ELSE 'missed' END)",
            "completed_at": f"(CASE WHEN {done} THEN d.done END)",
        },
    )


def _staff(member, count, salt) -> int:
    """Staff enough for a declaration a person a working day (6 in 11 on site, 3 teleworking,
    one on leave, one sick)."""
    from django.contrib.auth import get_user_model

    from relais.continuity.models import Declaration, StaffMember
    from relais.core.models import Membership

    User = get_user_model()
    workdays = [
        k for k in range(DAYS) if (timezone.localdate() - dt.timedelta(days=k)).weekday() < 5
    ]
    people = max(1, math.ceil(count / len(workdays)))
    before = User.objects.count()
    _insert(User, _series(people), {"username": _text(f"{member.slug}-staff-"), "password": "'!'"})
    first_user = User.objects.order_by("pk").values_list("pk", flat=True)[before]
    _insert(
        Membership,
        _series(people),
        {
            "organisation_id": str(member.pk),
            "user_id": f"({first_user} + n.i)",
            "role": "'technician'",
        },
    )
    first_membership = _ids(Membership, member, people)
    _insert(
        StaffMember,
        _series(people),
        {"organisation_id": str(member.pk), "membership_id": f"({first_membership} + n.i)"},
    )
    first = _ids(StaffMember, member, people)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_workday")
        cursor.execute("CREATE TEMPORARY TABLE bench_workday (k integer PRIMARY KEY, day integer)")
        cursor.executemany("INSERT INTO bench_workday VALUES (%s, %s)", list(enumerate(workdays)))
    statuses = ["on_site"] * 6 + ["telework"] * 3 + ["leave", "sick"]
    rows = min(count, people * len(workdays))
    return _insert(
        Declaration,
        f"{_series(rows)} JOIN bench_workday w ON w.k = n.i / {people} "
        "JOIN bench_day d ON d.k = w.day",
        {
            "organisation_id": str(member.pk),
            "staff_id": f"({first} + n.i %% {people})",
            "day": "d.v",
            "status": _pick(0, salt, statuses),
            "declared_at": _param(timezone.now()),
        },
    )


def _movements(member, count, salt) -> int:
    """Receipts (one in 20, 200 to 400 units) and daily issues (1 to 10) of the member's
    protective equipment at its warehouse, and the stock kept beside them (ADR 0053)."""
    from relais.supplies.models import Item, Location, LocationKind, Movement
    from relais.supplies.stock.services import balances_rebuild, items_ensure_defaults

    items_ensure_defaults(member)
    location = Location.objects.create(
        organisation=member, name="Magasin", kind=LocationKind.WAREHOUSE
    )
    items = list(
        Item.objects.filter(organisation=member).order_by("pk").values_list("pk", flat=True)
    )
    item = " ".join(f"WHEN {k} THEN {pk}" for k, pk in enumerate(items))
    inserted = _insert(
        Movement,
        f"{_series(count)} JOIN bench_hour h ON h.k = {_hash(1, salt, HOURS)}",
        {
            "organisation_id": str(member.pk),
            "item_id": f"(CASE n.i %% {len(items)} {item} END)",
            "location_id": str(location.pk),
            "kind": "(CASE WHEN n.i %% 20 = 0 THEN 'receipt' ELSE 'issue' END)",
            "quantity": (
                f"(CASE WHEN n.i %% 20 = 0 THEN 200 + {_hash(2, salt, 201)} "
                f"ELSE -1 - {_hash(3, salt, 10)} END)"
            ),
            "occurred_at": "h.v",
        },
    )
    balances_rebuild([member.pk])
    return inserted


def _calls(member, households, count, salt) -> int:
    """Calls over the register's people (6 in 9 fine, one needing help, two unanswered)."""
    from relais.outreach.models import Call

    people, follow, campaign = _register(member, households)
    outcomes = ["fine"] * 6 + ["needs", "no_answer", "no_answer"]
    return _insert(
        Call,
        f"{_series(count)} JOIN bench_hour h ON h.k = {_hash(1, salt, HOURS)}",
        {
            "organisation_id": str(member.pk),
            "follow_id": f"({follow} + n.i %% {people})",
            "campaign_id": str(campaign.pk),
            "called_at": "h.v",
            "outcome": _pick(4, salt, outcomes),
        },
    )


def _register(member, households):
    """The register (its people in the first households) followed by one campaign; returns
    (people, first follow id, campaign)."""
    from relais.housing.models import Occupant
    from relais.outreach.models import Campaign, Follow, RegisterEntry

    _count, first_household = households
    people = min(REGISTER_PER_MEMBER, _count)
    org = str(member.pk)
    _insert(
        Occupant,
        _series(people),
        {
            "organisation_id": org,
            "household_id": f"({first_household} + n.i)",
            "first_name": "'Prénom'",
            "last_name": _text("Nom "),
            "birth_date": _param(dt.date(1940, 1, 1)),
        },
    )
    occupant = _ids(Occupant, member, people)
    entered = timezone.now() - dt.timedelta(days=DAYS + 1)
    _insert(
        RegisterEntry,
        _series(people),
        {
            "organisation_id": org,
            "occupant_id": f"({occupant} + n.i)",
            "household_id": f"({first_household} + n.i)",
            "source": "'staff'",
            "consent_by": "'person'",
            "consent_on": _param(dt.date(2026, 1, 5)),
            "entered_at": _param(entered),
        },
    )
    entry = _ids(RegisterEntry, member, people)
    campaign = Campaign.objects.create(
        organisation=member,
        name="Canicule",
        kind="heatwave",
        cadence_days=7,
        script="Bonjour",
        starts_on=timezone.localdate() - dt.timedelta(days=DAYS),
        status="active",
    )
    _insert(
        Follow,
        _series(people),
        {
            "organisation_id": org,
            "campaign_id": str(campaign.pk),
            "entry_id": f"({entry} + n.i)",
            "next_due_on": _param(timezone.localdate()),
        },
    )
    return people, _ids(Follow, member, people), campaign


def _requests(member, count, salt) -> int:
    """Requests on the member's buildings (1 in 20 safety, 4 urgent, 12 normal, 3 planned)."""
    from relais.housing.models import Building
    from relais.interventions.models import Category, InterventionRequest

    buildings = Building.objects.filter(organisation=member).count()
    first_building = _ids(Building, member, buildings)
    category = Category.objects.create(organisation=member, code="plomberie", name="Plomberie")
    priorities = ["safety"] + ["urgent"] * 4 + ["normal"] * 12 + ["planned"] * 3
    return _insert(
        InterventionRequest,
        f"{_series(count)} JOIN bench_hour h ON h.k = {_hash(2, salt, HOURS)}",
        {
            "organisation_id": str(member.pk),
            "tracking_number": _text(f"B{member.pk}-"),
            "status_token": _text(f"bench-{member.pk}-"),
            "building_id": f"({first_building} + n.i %% {buildings})",
            "category_id": str(category.pk),
            "description": "'Fuite'",
            "source": "'phone'",
            "status": "'done'",
            "priority": _pick(3, salt, priorities),
            "reported_at": "h.v",
        },
    )
