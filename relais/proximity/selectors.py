"""Reads for the rounds' pages, home cards and the public building page.

Coverage (issue 9 §4) counts passages (occurrences): planned = every passage of the days,
done = those whose every step was ticked, missed = not done by their end time (read at
read time: marked by the periodic task, or still planned past the end time). Each figure
is one grouped query on ``proximity_roundoccurrence`` (indexed by organisation, day, status).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone

from relais.housing.models import Building

from . import collection
from .generation import PARIS
from .models import (
    CollectionStream,
    OccurrenceStatus,
    RoundKind,
    RoundOccurrence,
    RoundStep,
    RoundTemplate,
    StepRemark,
    missed_q,
)

# How far ahead the calendar pages show the next collections (days).
CALENDAR_DAYS = 14


def rounds_of(user, organisation, day: dt.date):
    """``user``'s passages of ``day`` in ``organisation``, each with its steps (2 queries)."""
    return (
        RoundOccurrence.objects.filter(organisation=organisation, assignee=user, day=day)
        .select_related("building__commune", "template")
        .prefetch_related(Prefetch("steps", queryset=RoundStep.objects.order_by("position")))
        .order_by("starts_at", "id")
    )


def missed_on(organisation, day: dt.date):
    return (
        RoundOccurrence.objects.filter(missed_q(), organisation=organisation, day=day)
        .select_related("building", "assignee")
        .order_by("due_at", "id")
    )


def home_figures(organisation, today: dt.date, now: dt.datetime) -> dict:
    """The manager's card in one grouped query: ``{"today": {planned, done, missed,
    unassigned}, "tomorrow": {unassigned}}`` — ``unassigned``: passages still planned, not yet
    past their end time, with nobody assigned (an absence without a replacement)."""
    tomorrow = today + dt.timedelta(days=1)
    rows = {
        row["day"]: row
        for row in RoundOccurrence.objects.filter(
            organisation=organisation, day__gte=today, day__lte=tomorrow
        )
        .order_by()
        .values("day")
        .annotate(
            **_counts(),
            unassigned=Count(
                "id",
                filter=Q(status=OccurrenceStatus.PLANNED, assignee__isnull=True, due_at__gt=now),
            ),
        )
    }
    nothing = {"planned": 0, "done": 0, "missed": 0, "unassigned": 0}
    return {"today": rows.get(today, nothing), "tomorrow": rows.get(tomorrow, nothing)}


def unassigned_counts(organisation, today: dt.date, now: dt.datetime) -> dict:
    """{"today": n, "tomorrow": n}: passages with nobody assigned (see ``home_figures``)."""
    figures = home_figures(organisation, today, now)
    return {day: row["unassigned"] for day, row in figures.items()}


def open_remarks(organisation):
    return (
        StepRemark.objects.filter(organisation=organisation, handled_at__isnull=True)
        .select_related("building", "created_by", "step", "request")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class BuildingState:
    """What the notice and the public page say: the last disinfection and the next passage
    (aware datetimes or None)."""

    last_disinfection: dt.datetime | None
    next_disinfection: dt.datetime | None


def building_state(building, now: dt.datetime) -> BuildingState:
    """Three queries: the latest done and the next disinfection of ``building``. The next is
    the earliest planned passage still to come, generated or not yet generated (the passages
    are generated a couple of days ahead, so a round created or edited today after its
    passage would otherwise show none)."""
    figures = RoundOccurrence.objects.filter(
        building=building, kind=RoundKind.DISINFECTION
    ).aggregate(
        last=Max("completed_at", filter=Q(status=OccurrenceStatus.DONE)),
        next=Min("starts_at", filter=Q(status=OccurrenceStatus.PLANNED, starts_at__gte=now)),
    )
    coming = [figures["next"]] if figures["next"] else []
    upcoming = _template_passages(building, now)
    if upcoming:
        coming.append(upcoming)
    return BuildingState(figures["last"], min(coming) if coming else None)


def _template_passages(building, now: dt.datetime):
    """The first usual passage of ``building``'s active disinfection rounds at or after
    ``now`` (aware datetime or None), within a week, on a day that round has no generated
    passages yet."""
    templates = list(
        RoundTemplate.objects.filter(
            building=building,
            kind=RoundKind.DISINFECTION,
            is_active=True,
            follows_collection=False,
        )
    )
    today = timezone.localdate(now)
    generated = (
        set(
            RoundOccurrence.objects.filter(template__in=templates, day__gte=today).values_list(
                "template_id", "day"
            )
        )
        if templates
        else set()
    )
    for offset in range(8):
        day = today + dt.timedelta(days=offset)
        starts = [
            dt.datetime.combine(day, template.first_start, tzinfo=PARIS)
            + dt.timedelta(minutes=passage * template.interval_minutes)
            for template in templates
            if template.weekdays & (1 << day.weekday()) and (template.pk, day) not in generated
            for passage in range(template.passages)
        ]
        starts = [start for start in starts if start >= now]
        if starts:
            return min(starts)
    return None


def _counts():
    return {
        "planned": Count("id"),
        "done": Count("id", filter=Q(status=OccurrenceStatus.DONE)),
        "missed": Count("id", filter=missed_q()),
    }


def coverage_by_day(organisation, start: dt.date, end: dt.date) -> list[dict]:
    """[{day, planned, done, missed}] for each day of [start, end] that has passages."""
    return list(
        RoundOccurrence.objects.filter(organisation=organisation, day__gte=start, day__lte=end)
        .order_by()
        .values("day")
        .annotate(**_counts())
        .order_by("day")
    )


def coverage_by_building(organisation, start: dt.date, end: dt.date, limit: int = 20):
    """The ``limit`` buildings with the most missed passages over [start, end]:
    [{building, planned, done, missed}] with the Building rows (2 queries)."""
    rows = list(
        RoundOccurrence.objects.filter(organisation=organisation, day__gte=start, day__lte=end)
        .order_by()
        .values("building_id")
        .annotate(**_counts())
        .order_by("-missed", "building_id")[:limit]
    )
    buildings = Building.objects.in_bulk([row["building_id"] for row in rows])
    for row in rows:
        row["building"] = buildings.get(row["building_id"])
    return rows


def coverage_by_person(organisation, start: dt.date, end: dt.date) -> list[dict]:
    """[{assignee_id, assignee (a User or None), planned, done, missed}] per person: one
    grouped query on the covering index, then the people by id (2 queries)."""
    rows = list(
        RoundOccurrence.objects.filter(organisation=organisation, day__gte=start, day__lte=end)
        .order_by()
        .values("assignee_id")
        .annotate(**_counts())
    )
    people = get_user_model().objects.in_bulk([r["assignee_id"] for r in rows if r["assignee_id"]])
    for row in rows:
        row["assignee"] = people.get(row["assignee_id"])
    return sorted(
        rows,
        key=lambda r: (
            r["assignee"] is None,
            str(r["assignee"] and r["assignee"].last_name),
            r["assignee_id"] or 0,
        ),
    )


def coverage_rows(organisation, start: dt.date, end: dt.date):
    """Every (day, building reference, address, planned, done, missed), for the CSV export;
    an iterator (region scale: tens of thousands of rows)."""
    return (
        RoundOccurrence.objects.filter(organisation=organisation, day__gte=start, day__lte=end)
        .order_by()
        .values("day", "building__reference", "building__address")
        .annotate(**_counts())
        .order_by("day", "building__reference")
        .iterator(chunk_size=2000)
    )


def share(done: int, planned: int) -> float:
    return done / planned if planned else 0.0


def collection_calendar(organisation, today: dt.date) -> list[CollectionStream]:
    """The organisation's waste streams by commune, each with ``next_days``: its collection
    days over the next ``CALENDAR_DAYS`` days (public holidays applied). One query."""
    streams = list(
        CollectionStream.objects.filter(organisation=organisation)
        .select_related("commune")
        .order_by("commune__name", "stream")
    )
    for stream in streams:
        stream.next_days = collection.collection_days(stream, today, CALENDAR_DAYS)
    return streams


def next_collections(building, today: dt.date) -> list[CollectionStream]:
    """The streams of ``building``'s commune with their next collection days (one query)."""
    streams = list(
        CollectionStream.objects.filter(
            organisation_id=building.organisation_id, commune_id=building.commune_id
        ).order_by("stream")
    )
    for stream in streams:
        stream.next_days = collection.collection_days(stream, today, CALENDAR_DAYS)
    return streams
