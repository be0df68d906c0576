"""Rounds: set-based generation (weekdays, crisis passages, replacements, idempotent), ticks
recorded once, rounds done and missed, the building's state."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relais.core.models import AuditEvent, CrisisMode, CrisisModeChange
from relais.core.roles import Role
from relais.proximity import assignment, generation, selectors, services
from relais.proximity.models import Replacement, RoundOccurrence, RoundStep

from ..factories import MembershipFactory
from .conftest import make_round

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 11, 30)


def test_generation_makes_each_passage_with_its_steps_once(organisation, building, caretaker):
    make_round(organisation, building, passages=2, interval_minutes=300)
    assert generation.generate_day(MONDAY, crisis=[]) == (2, 14)
    assert generation.generate_day(MONDAY, crisis=[]) == (0, 0)  # idempotent
    first, second = RoundOccurrence.objects.order_by("passage")
    assert timezone_local(first.starts_at) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    assert timezone_local(second.starts_at) == dt.datetime(2026, 11, 30, 14, 0, tzinfo=PARIS)
    assert timezone_local(first.due_at) == dt.datetime(2026, 11, 30, 12, 0, tzinfo=PARIS)
    assert first.assignee == caretaker and first.status == "planned"
    labels = list(first.steps.order_by("position").values_list("label", flat=True))
    assert labels[0] == "Poignées de la porte d'entrée" and len(labels) == 7


def timezone_local(value):
    return value.astimezone(PARIS)


def test_summer_time_and_weekdays(organisation, building):
    make_round(organisation, building, weekdays=1 | 8)  # Mondays and Thursdays
    assert generation.generate_day(dt.date(2026, 7, 6), crisis=[])[0] == 1  # a Monday
    assert generation.generate_day(dt.date(2026, 7, 7), crisis=[])[0] == 0  # a Tuesday
    occurrence = RoundOccurrence.objects.get()
    assert timezone_local(occurrence.starts_at).hour == 9  # 07:00 UTC in summer


def test_crisis_mode_uses_the_crisis_frequency(organisation, other_organisation, building):
    make_round(organisation, building, crisis_passages=3)
    CrisisModeChange.objects.create(organisation=organisation, mode=CrisisMode.CRISIS)
    assert generation.organisations_in_crisis() == [organisation.pk]
    assert generation.generate_day(MONDAY)[0] == 3


def test_a_replacement_takes_the_rounds_of_the_absent_caretaker(organisation, building, caretaker):
    stand_in = MembershipFactory(organisation=organisation, role=Role.CARETAKER).user
    make_round(organisation, building)
    generation.generate_day(MONDAY, crisis=[])
    services.replacement_create(
        organisation=organisation,
        actor=None,
        replacement=Replacement(
            absent=caretaker, replacement=stand_in, starts_on=MONDAY, ends_on=MONDAY
        ),
    )
    generation.generate_day(MONDAY + dt.timedelta(days=1), crisis=[])
    generation.generate_day(MONDAY - dt.timedelta(days=1), crisis=[])
    by_day = dict(RoundOccurrence.objects.values_list("day", "assignee"))
    assert by_day == {
        MONDAY - dt.timedelta(days=1): caretaker.pk,
        MONDAY: stand_in.pk,  # already planned: handed over
        MONDAY + dt.timedelta(days=1): caretaker.pk,
    }
    assert assignment.assignee_for(building, MONDAY) == stand_in
    assert assignment.assignee_for(building, MONDAY + dt.timedelta(days=1)) == caretaker


def _today_round(organisation, building):
    make_round(organisation, building)
    generation.generate_ahead(0)
    return RoundOccurrence.objects.get()


def test_a_tick_sent_twice_is_recorded_once(organisation, building, caretaker):
    occurrence = _today_round(organisation, building)
    step = occurrence.steps.order_by("position").first()
    tick = {"organisation": organisation, "actor": caretaker, "step_id": step.pk}
    _, recorded = services.step_tick(**tick, client_key="k" * 20)
    again, recorded_again = services.step_tick(**tick, client_key="k" * 20)
    other_key, recorded_other = services.step_tick(**tick, client_key="z" * 20)
    assert (recorded, recorded_again, recorded_other) == (True, False, False)
    step.refresh_from_db()
    assert step.done_by == caretaker and step.client_key == "k" * 20
    assert AuditEvent.objects.filter(action="round_step.done").count() == 1
    with pytest.raises(ValidationError):
        services.step_tick(**tick, client_key="short")


def test_the_last_step_completes_the_round_at_the_phones_time(organisation, building, caretaker):
    occurrence = _today_round(organisation, building)
    steps = list(occurrence.steps.order_by("position"))
    # The phone's time, queued offline and sent later: 20 minutes ago, but today — never in
    # the future (CI once ran at 00:25 Paris, before the round's start at 9:00).
    midnight = dt.datetime.combine(occurrence.day, dt.time(0), tzinfo=PARIS)
    offline_time = max(midnight, timezone.now() - dt.timedelta(minutes=20)).replace(microsecond=0)
    for index, step in enumerate(steps):
        services.step_tick(
            organisation=organisation,
            actor=caretaker,
            step_id=step.pk,
            client_key=f"key-{index:04d}",
            done_at=offline_time if index == len(steps) - 1 else None,
        )
    occurrence.refresh_from_db()
    assert occurrence.status == "done"
    assert RoundStep.objects.get(pk=steps[-1].pk).done_at == offline_time
    state = selectors.building_state(building, occurrence.starts_at)
    assert state.last_disinfection == occurrence.completed_at


def test_a_round_not_done_by_its_end_is_missed(organisation, building, caretaker):
    make_round(organisation, building)
    generation.generate_day(MONDAY, crisis=[])
    before = dt.datetime(2026, 11, 30, 11, 59, tzinfo=PARIS)
    assert services.mark_missed(before) == {}
    assert services.mark_missed(before + dt.timedelta(minutes=2)) == {organisation.pk: 1}
    assert RoundOccurrence.objects.get().status == "missed"
    assert AuditEvent.objects.filter(action="rounds.missed", organisation=organisation).exists()
    rows = selectors.coverage_by_day(organisation, MONDAY, MONDAY)
    assert rows == [{"day": MONDAY, "planned": 1, "done": 0, "missed": 1}]
