"""Reads of outreach for pages and home cards (bounded queries)."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from relais.core.models import Membership
from relais.core.roles import Role
from relais.core.search import filter_terms, terms
from relais.housing.models import Occupant

from . import rules
from .models import (
    Call,
    Campaign,
    CampaignStatus,
    EntryStatus,
    Escalation,
    Follow,
    FollowState,
    Need,
    Outcome,
    Referral,
    ReferralStatus,
    RegisterEntry,
    RotaSlot,
)


def register(organisation, *, query: str = "", status: str = EntryStatus.ACTIVE):
    entries = RegisterEntry.objects.for_organisation(organisation).select_related(
        "occupant", "household", "commune"
    )
    if status:
        entries = entries.filter(status=status)
    if query:
        entries = filter_terms(entries, query, field="household__search")
    return entries.order_by("occupant__last_name", "occupant__first_name", "pk")


def left_reason_label(reason: str) -> str:
    """The reason a person left the register as read: a code written by a call (« deceased »,
    ``services.call_record``) in French, the text someone typed as it is."""
    labels = {Outcome.DECEASED.value: Outcome.DECEASED.label}
    return str(labels.get(reason, reason))


def signal_reason(entry) -> str:
    """Why staff, a caretaker or a relative signalled the person (required under 18), as
    typed at registration; kept in the entry's creation audit event
    (``services.entry_register``), "" when none. One query, read through the audit's
    (organisation, time) index: the event is written in the transaction that creates the
    entry, so within a day of ``entered_at``."""
    from relais.core.models import AuditEvent

    window = dt.timedelta(days=1)
    changes = (
        AuditEvent.objects.filter(
            created_at__gte=entry.entered_at - window,
            created_at__lte=entry.entered_at + window,
            object_type=RegisterEntry._meta.label_lower,
            object_id=str(entry.pk),
            organisation_id=entry.organisation_id,
            action="register_entry.created",
        )
        .values_list("changes", flat=True)
        .first()
    )
    return (changes or {}).get("signal_reason", "")


def candidates(organisation, today: dt.date):
    """Occupants of current homes meeting a criterion (65+, or disabled adult), not on the
    register; 60+ unfit for work is declared at registration (no field on file)."""
    born_65 = today.replace(year=today.year - rules.AGE_ELDERLY)
    born_18 = today.replace(year=today.year - 18)
    return (
        Occupant.objects.for_organisation(organisation)
        .filter(
            Q(birth_date__lte=born_65) | Q(has_disability=True, birth_date__lte=born_18),
            household__leases__end_date__isnull=True,
        )
        .exclude(outreach_entries__status=EntryStatus.ACTIVE)
        .select_related("household")
        .order_by("-lives_alone", "birth_date", "pk")
    )


SEARCH_LIMIT = 20


def occupant_search(organisation, query: str) -> list:
    """Up to ``SEARCH_LIMIT`` occupants of a current home of the organisation, not on the
    register, whose household's search column (names, reference, phones, folded: accents and
    case ignored, ``core.search``) holds every term of ``query``; [] for an empty query. To
    enrol someone signalled who is not a candidate. One query."""
    if not terms(query):
        return []
    found = filter_terms(
        Occupant.objects.for_organisation(organisation).filter(
            household__leases__end_date__isnull=True
        ),
        query,
        field="household__search",
    )
    return list(
        found.exclude(outreach_entries__status=EntryStatus.ACTIVE)
        .select_related("household")
        .order_by("last_name", "first_name", "pk")
        .distinct()[:SEARCH_LIMIT]
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the Europe/Paris ``day`` as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


# A caller's sheet of the day, one line per person in sheet order, with what decides the
# person's state, over ALL their follows (a person followed by several campaigns is one
# person): the campaigns following them, still due (a follow followed, its campaign active,
# its due date reached), the day's calls (how many — a call writes one row per follow due,
# at one time —, the last one's time), the next due day. Scalar subqueries per line on
# the follow's ``entry`` index and ``call_follow_day``.
_SHEET_LINES = {
    "sqlite": "FROM outreach_callsheet s JOIN json_each(s.follows) p "
    "JOIN outreach_follow f ON f.id = p.value",
    "postgresql": "FROM outreach_callsheet s CROSS JOIN LATERAL "
    "json_array_elements_text(s.follows) WITH ORDINALITY AS p(value, key) "
    "JOIN outreach_follow f ON f.id = p.value::bigint",
}
_NAMES = {"sqlite": "group_concat(d.name, char(31))", "postgresql": "string_agg(d.name, chr(31))"}
_PERSON_STATE = """
  (SELECT {names} FROM outreach_follow g JOIN outreach_campaign d ON d.id = g.campaign_id
   WHERE g.entry_id = f.entry_id AND d.status = 'active' AND g.state <> 'stopped'),
  CASE WHEN EXISTS (SELECT 1 FROM outreach_follow g JOIN outreach_campaign d
       ON d.id = g.campaign_id WHERE g.entry_id = f.entry_id AND g.state = 'followed'
       AND d.status = 'active' AND g.next_due_on <= %(day)s) THEN 1 ELSE 0 END,
  (SELECT COUNT(DISTINCT k.called_at) FROM outreach_follow g
   JOIN outreach_call k ON k.follow_id = g.id WHERE g.entry_id = f.entry_id
   AND k.called_at >= %(start)s AND k.called_at < %(end)s),
  (SELECT MAX(k.called_at) FROM outreach_follow g
   JOIN outreach_call k ON k.follow_id = g.id WHERE g.entry_id = f.entry_id
   AND k.called_at >= %(start)s AND k.called_at < %(end)s),
  (SELECT MIN(g.next_due_on) FROM outreach_follow g JOIN outreach_campaign d
   ON d.id = g.campaign_id WHERE g.entry_id = f.entry_id AND g.state = 'followed'
   AND d.status = 'active'),
  CASE WHEN EXISTS (SELECT 1 FROM outreach_follow g JOIN outreach_call k
       ON k.follow_id = g.id WHERE g.entry_id = f.entry_id AND k.called_at >= %(start)s
       AND k.called_at < %(end)s AND k.outcome NOT IN ('no_answer', 'wrong_number'))
       THEN 1 ELSE 0 END
"""
_MY_LIST = """
SELECT f.id, f.entry_id, o.first_name, o.last_name, {state}
{lines}
JOIN outreach_registerentry e ON e.id = f.entry_id
JOIN housing_occupant o ON o.id = e.occupant_id
WHERE s.organisation_id = %(org)s AND s.caller_id = %(caller)s AND s.day = %(day)s
ORDER BY p.key
"""
_ONE_PERSON = """
SELECT f.id, f.entry_id, o.first_name, o.last_name, {state}
FROM outreach_follow f
JOIN outreach_registerentry e ON e.id = f.entry_id
JOIN housing_occupant o ON o.id = e.occupant_id
WHERE f.organisation_id = %(org)s AND f.id = %(follow)s
"""


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def my_list_sql() -> str:
    """The caller's list query for this database (``%(org)s, %(caller)s, %(day)s, %(start)s,
    %(end)s``)."""
    state = _PERSON_STATE.format(names=_NAMES[_vendor()])
    return _MY_LIST.format(lines=_SHEET_LINES[_vendor()], state=state)


def my_list_params(organisation, membership, day: dt.date) -> dict:
    start, end = (connection.ops.adapt_datetimefield_value(t) for t in day_bounds(day))
    return {"org": organisation.pk, "caller": membership.pk, "day": day, "start": start,
            "end": end}  # fmt: skip


@dataclass(frozen=True)
class CallRow:
    """A line of the caller's list as the page shows it (times aware, UTC); ``pk`` is the
    follow's on the sheet (the call screen's address), ``campaign_name`` the names of every
    campaign following the person; ``next_due_on``: the next day they are due (None once
    no campaign follows them)."""

    pk: int
    person: str
    campaign_name: str
    not_before: dt.datetime | None
    done_at: dt.datetime | None
    next_due_on: dt.date | None = None

    def callable_at(self, now: dt.datetime) -> bool:
        """To be called now: not done today, and past the retry time of a "no answer"."""
        return self.done_at is None and (self.not_before is None or self.not_before <= now)


def _aware(value) -> dt.datetime | None:
    """SQLite's cursor gives naive UTC text where PostgreSQL gives aware datetimes."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _line_state(
    due, attempts, last, reached=False
) -> tuple[bool, dt.datetime | None, dt.datetime | None]:
    """(shown, not_before, done_at) of a person of the sheet, from what the calls wrote:
    still due and not called today → to call; still due and called (only "no answer" or a
    wrong number) → again at ``rules.retry_at`` the last call (calling hours); reached today
    (even if a campaign started since makes them due: they are called once a day) or no
    longer due, and called → done; no longer due and not called (left the register,
    campaign closed, seen by a caretaker) → not shown."""
    last = _aware(last)
    if due and not reached:
        return True, (rules.retry_at(last) if attempts else None), None
    return bool(attempts), None, last


def _row(
    day, pk, first, last_name, names, due, attempts, last, next_due, reached
) -> CallRow | None:
    """The line of ``day``; its next call is never ``day`` for a person reached that day
    (called once a day): a follow of theirs still due (a campaign started since the call)
    lists them the next day at the earliest."""
    shown, not_before, done_at = _line_state(due, attempts, last, reached)
    if not shown:
        return None
    if isinstance(next_due, str):
        next_due = dt.date.fromisoformat(next_due)
    if reached and next_due is not None and next_due <= day:
        next_due = day + dt.timedelta(days=1)
    campaigns = ", ".join(sorted((names or "").split("\x1f"))) if names else ""
    return CallRow(pk, f"{first} {last_name}", campaigns, not_before, done_at, next_due)


def my_list_rows(organisation, membership, day: dt.date) -> list[CallRow]:
    """The caller's sheet of ``day`` (the page and the home card), one line per person:
    those to call now first (in sheet order), then the retries by time, then those done.
    One query."""
    with connection.cursor() as cursor:
        cursor.execute(my_list_sql(), my_list_params(organisation, membership, day))
        rows, seen = [], set()
        for pk, entry, *state in cursor.fetchall():
            row = _row(day, pk, *state) if entry not in seen else None
            seen.add(entry)
            if row is not None:
                rows.append(row)
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(
        rows,
        key=lambda r: (r.done_at is not None, r.done_at or never, r.not_before or never),
    )


def person_row(organisation, follow_id: int, day: dt.date) -> CallRow | None:
    """The state of the day of the person of ``follow_id`` (any campaign of theirs), as a
    line of the list shows it; None when they are not to be shown (no longer due and not
    called today). One query."""
    start, end = (connection.ops.adapt_datetimefield_value(t) for t in day_bounds(day))
    sql = _ONE_PERSON.format(state=_PERSON_STATE.format(names=_NAMES[_vendor()]))
    params = {"org": organisation.pk, "follow": follow_id, "day": day, "start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    return None if found is None else _row(day, found[0], *found[2:])


_ON_A_SHEET = {
    "sqlite": "SELECT s.caller_id FROM outreach_callsheet s JOIN json_each(s.follows) p "
    "WHERE s.organisation_id = %s AND s.day = %s AND p.value = %s",
    "postgresql": "SELECT s.caller_id FROM outreach_callsheet s "
    "WHERE s.organisation_id = %s AND s.day = %s AND s.follows::jsonb @> to_jsonb(%s::bigint)",
}


def sheet_caller(organisation, follow_id: int, day: dt.date) -> int | None:
    """The membership id of the caller whose sheet of ``day`` holds the follow, or None."""
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    with connection.cursor() as cursor:
        cursor.execute(_ON_A_SHEET[vendor], [organisation.pk, day, follow_id])
        row = cursor.fetchone()
    return row[0] if row else None


def next_item(items, now):
    """The first line not done whose retry time has come, or None."""
    for item in items:
        if item.done_at is None and (item.not_before is None or item.not_before <= now):
            return item
    return None


def phones(entry) -> list[str]:
    """The person's phone numbers, « 06 12 34 56 78 »: those of the household's occupants,
    then the register's other phone; empty when none is on file."""
    found = [o.phone.as_national for o in entry.household.occupants.all() if o.phone]
    return [*found, *([entry.other_phone] if entry.other_phone else [])]


def history(entry, limit: int = 10):
    """The person's last ``limit`` calls, newest first, one per call made: a call to a person
    followed by several campaigns writes one row per campaign at one time (the needs on one
    of them), shown once."""
    found = (
        Call.objects.filter(follow__entry=entry)
        .select_related("caller__user", "campaign")
        .prefetch_related("needs")[: limit * 4]
    )
    made: dict[tuple, Call] = {}  # in order of the first row of each call
    for call in found:
        key = (call.called_at, call.caller_id, call.outcome)
        if key not in made or call.needs.all():  # the row with the needs stands for it
            made[key] = call
    return list(made.values())[:limit]


def open_needs(organisation):
    return (
        Need.objects.for_organisation(organisation)
        .filter(closed_at__isnull=True)
        .select_related("follow__entry__occupant")
    )


def visits(organisation) -> list[Follow]:
    """People awaiting a caretaker's visit after three failed calls, oldest first: one
    follow per person (a person followed by several campaigns escalates in each; the visit
    is recorded for all of them, ``services.visit_record``)."""
    follows = (
        Follow.objects.for_organisation(organisation)
        .filter(escalation=Escalation.VISIT, state=FollowState.FOLLOWED)
        .select_related("entry__occupant", "entry__household", "campaign")
        .order_by("escalated_at", "pk")
    )
    people: dict[int, Follow] = {}
    for follow in follows:
        people.setdefault(follow.entry_id, follow)
    return list(people.values())


def partner_referrals(organisation, partner):
    return Referral.objects.for_organisation(organisation).filter(partner=partner)


# Dashboard ------------------------------------------------------------------------------------


REACHED = ("fine", "needs", "refused", "hospital")


def _active_follows(organisation):
    return Follow.objects.for_organisation(organisation).filter(
        campaign__status=CampaignStatus.ACTIVE, state=FollowState.FOLLOWED
    )


def coverage_today(organisation, now) -> tuple[int, int]:
    """(people covered, people followed) now, counting register entries (people), not
    campaign places: a person in two running campaigns is one person. Followed: on the
    register with a follow still ``followed`` in a running campaign. Covered: reached (in any
    of their running campaigns) within the SHORTEST cadence of those campaigns — a call on
    day d covers d … d + cadence − 1, the strictest cadence the person is owed. One query."""
    today = timezone.localdate(now)
    people: dict[int, list] = {}
    for entry_id, reached_at, cadence in (
        _active_follows(organisation)
        .filter(entry__status=EntryStatus.ACTIVE)
        .values_list("entry_id", "last_reached_at", "campaign__cadence_days")
        .order_by()
        .iterator(chunk_size=10000)
    ):
        last, shortest = people.get(entry_id, (None, cadence))
        if reached_at is not None and (last is None or reached_at > last):
            last = reached_at
        people[entry_id] = (last, min(shortest, cadence))
    covered = sum(
        1
        for last, cadence in people.values()
        if last is not None and (today - timezone.localdate(last)).days < cadence
    )
    return covered, len(people)


def _day(moment) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _spans(organisation, start: dt.date, today: dt.date) -> dict[int, list]:
    """{entry id: [(first day, last day, cadence)]}: the days each person was followed by
    each campaign — from the later of the campaign's start and the person's entry on the
    register, to the earlier of the campaign's close and their leaving (today while
    neither) — keeping only spans that reach ``start``. One query."""
    rows = (
        Follow.objects.for_organisation(organisation)
        .filter(campaign__started_at__isnull=False)
        .exclude(campaign__closed_at__lt=day_bounds(start)[0])
        .values_list(
            "entry_id",
            "campaign__cadence_days",
            "campaign__started_at",
            "campaign__closed_at",
            "entry__entered_at",
            "entry__left_at",
        )
        .order_by()
    )
    spans: dict[int, list] = {}
    for entry_id, cadence, started, closed, entered, left in rows.iterator(chunk_size=10000):
        first = max(_day(started), _day(entered))
        last = min(_day(closed) or today, _day(left) or today)
        if first <= last and last >= start:
            spans.setdefault(entry_id, []).append((first, last, cadence))
    return spans


def _count_person(spans: list, calls: list[dt.date], start: dt.date, followed, covered) -> None:
    """Add one person to ``followed[i]`` / ``covered[i]`` (day ``start + i``): followed on a
    day one of their ``spans`` holds, covered when their last reached call on or before it is
    less than the shortest cadence of those spans old. Day numbers as ordinals (speed: the
    region's 20,000 people × 28 days)."""
    days, first = len(followed), start.toordinal()
    shortest: list[int | None] = [None] * days
    for begin, end, cadence in spans:
        for i in range(
            max(begin.toordinal() - first, 0), min(end.toordinal() - first, days - 1) + 1
        ):
            shortest[i] = cadence if shortest[i] is None else min(shortest[i], cadence)
    ordinals = [call.toordinal() - first for call in calls]
    last, at = None, 0
    for i in range(days):
        while at < len(ordinals) and ordinals[at] <= i:
            last, at = ordinals[at], at + 1
        if shortest[i] is None:
            continue
        followed[i] += 1
        if last is not None and i - last < shortest[i]:
            covered[i] += 1


def coverage_by_day(
    organisation, today: dt.date, days: int = 28
) -> list[tuple[dt.date, int | None]]:
    """[(day, share in % of the people followed THAT day who were reached within their
    cadence)], oldest first; None on a day nobody was followed (no campaign ran: not a
    0 % coverage). A past day keeps its value
    whatever happens later: it counts only the people followed that day (campaigns started
    on or before it and not closed before it, the person on the register that day), and a
    reached call (any campaign, closed ones too) on day c covers c … c + cadence − 1, the
    shortest cadence of the person's campaigns running that day. Two queries."""
    start = today - dt.timedelta(days=days - 1)
    spans = _spans(organisation, start, today)
    first = start - dt.timedelta(days=60)
    reached: dict[int, list[dt.date]] = {}
    calls = (
        Call.objects.filter(
            organisation=organisation,
            outcome__in=REACHED,
            called_at__gte=day_bounds(first)[0],
        )
        .values_list("follow__entry_id", "called_at")
        .order_by()
    )
    for entry_id, called_at in calls.iterator(chunk_size=10000):
        if entry_id in spans:
            reached.setdefault(entry_id, []).append(timezone.localdate(called_at))
    followed, covered = [0] * days, [0] * days
    for entry_id, person_spans in spans.items():
        _count_person(person_spans, sorted(reached.get(entry_id, ())), start, followed, covered)
    return [
        (
            start + dt.timedelta(days=i),
            round(100 * covered[i] / followed[i]) if followed[i] else None,
        )
        for i in range(days)
    ]


def switch_campaigns(organisation) -> tuple[list[str], list[str]]:
    """(names of the running campaigns the ``outreach_active`` switch would close if turned
    off, names of the ready ones it would start if turned on): those marked "start with the
    switch". One query."""
    running, ready = [], []
    for name, status in (
        Campaign.objects.for_organisation(organisation)
        .filter(start_with_switch=True, status__in=[CampaignStatus.ACTIVE, CampaignStatus.DRAFT])
        .order_by("name", "pk")
        .values_list("name", "status")
    ):
        (running if status == CampaignStatus.ACTIVE else ready).append(name)
    return running, ready


def closed_needs(organisation):
    """The closed needs, with their reason (``Need.close_reason``)."""
    return (
        Need.objects.for_organisation(organisation)
        .filter(closed_at__isnull=False)
        .select_related("follow__entry__occupant")
    )


def needs_by_kind(organisation) -> list[tuple[str, int]]:
    rows = open_needs(organisation).values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    from .models import NeedKind

    labels = dict(NeedKind.choices)
    return [(str(labels[r["kind"]]), r["n"]) for r in rows]


def escalations(organisation) -> dict:
    """People (not campaign places) of the running campaigns awaiting a caretaker's visit
    (``visits``) or, unreachable after it, escalated to social services (``referred``); and
    the referrals not closed yet, for needs or unreachable (``referrals_open``)."""
    follows = _active_follows(organisation)

    def people(escalation):
        return follows.filter(escalation=escalation).values("entry_id").distinct().count()

    return {
        "visits": people(Escalation.VISIT),
        "referred": people(Escalation.REFERRED),
        "referrals_open": Referral.objects.for_organisation(organisation)
        .exclude(status=ReferralStatus.CLOSED)
        .count(),
    }


def calls_per_caller(organisation, since: dt.datetime):
    return list(
        Call.objects.for_organisation(organisation)
        .filter(called_at__gte=since, caller__isnull=False)
        .values("caller__user__first_name", "caller__user__last_name", "caller__user__username")
        .annotate(
            calls=Count("pk"),
            reached=Count("pk", filter=Q(outcome__in=["fine", "needs"])),
        )
        .order_by("-calls")
    )


# The callers' rota ----------------------------------------------------------------------------


def rota(organisation) -> tuple[list, dict[int, set[int]]]:
    """(the active outreach callers by name, {membership id: {weekday}} of the rota). Two
    queries."""
    callers = list(
        Membership.objects.filter(
            organisation=organisation, role=Role.OUTREACH_CALLER, is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    slots: dict[int, set[int]] = {}
    for caller_id, weekday in RotaSlot.objects.filter(organisation=organisation).values_list(
        "caller_id", "weekday"
    ):
        slots.setdefault(caller_id, set()).add(weekday)
    return callers, slots


def rota_week(organisation, callers, slots, first: dt.date, days: int = 7) -> list[dict]:
    """The ``days`` days from ``first``: ``[{"day", "on_duty": [membership], "absent":
    [membership]}]`` — on the rota that weekday (everyone while there is no rota), split by
    continuity's declared absences. One query."""
    from relais.continuity.selectors import absent_members

    dates = [first + dt.timedelta(days=n) for n in range(days)]
    absent = absent_members(organisation, dates, [m.pk for m in callers])
    week = []
    for day in dates:
        listed = [m for m in callers if not slots or day.weekday() in slots.get(m.pk, ())]
        week.append(
            {
                "day": day,
                "on_duty": [m for m in listed if (m.pk, day) not in absent],
                "absent": [m for m in listed if (m.pk, day) in absent],
            }
        )
    return week
