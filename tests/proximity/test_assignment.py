"""Who does the rounds: the caretaker, a dated replacement, or — when continuity's staff
availability says the caretaker is absent — the building's usual replacement."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from relais.continuity import services as continuity
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.proximity import generation, services
from relais.proximity.assignment import assignee_for
from relais.proximity.models import Replacement, RoundOccurrence, RoundStep

from ..continuity.factories import staff
from ..factories import BuildingFactory
from .conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organisation, building):
    caretaker = staff(organisation, Role.CARETAKER, first="Thierry", last="Roux")
    backup = staff(organisation, Role.CARETAKER, first="Nadia", last="Benali")
    services.caretaker_set(
        organisation=organisation,
        actor=None,
        building=building,
        caretaker=caretaker.membership.user,
        backup=backup.membership.user,
    )
    make_round(organisation, building)
    return caretaker, backup


def _declare(organisation, member, day, status):
    continuity.day_declare(
        organisation=organisation, actor=None, staff=member, day=day, status=status
    )


def _generated_assignee(day):
    generation.generate_day(day, crisis=[])
    return RoundOccurrence.objects.get(day=day).assignee


def test_the_caretaker_declared_sick_is_replaced_by_the_usual_replacement(
    organisation, building, people
):
    caretaker, backup = people
    day = timezone.localdate() + dt.timedelta(days=1)
    _declare(organisation, caretaker, day, "sick")
    assert assignee_for(building, day) == backup.membership.user
    assert _generated_assignee(day) == backup.membership.user
    # Declared on site (or not declared at all): the caretaker does their rounds.
    other = day + dt.timedelta(days=1)
    _declare(organisation, caretaker, other, "on_site")
    assert assignee_for(building, other) == caretaker.membership.user
    assert _generated_assignee(other) == caretaker.membership.user


def test_both_absent_leaves_the_round_unassigned(organisation, building, people):
    caretaker, backup = people
    day = timezone.localdate() + dt.timedelta(days=1)
    _declare(organisation, caretaker, day, "leave")
    _declare(organisation, backup, day, "isolating")
    assert assignee_for(building, day) is None
    assert _generated_assignee(day) is None


def test_a_dated_replacement_set_by_the_manager_comes_first(organisation, building, people):
    caretaker, _backup = people
    third = staff(organisation, Role.CARETAKER, first="Luc", last="Martin").membership.user
    day = timezone.localdate() + dt.timedelta(days=1)
    _declare(organisation, caretaker, day, "sick")
    services.replacement_create(
        organisation=organisation,
        actor=None,
        replacement=Replacement(
            absent=caretaker.membership.user, replacement=third, starts_on=day, ends_on=day
        ),
    )
    assert assignee_for(building, day) == third
    assert _generated_assignee(day) == third


def test_a_declaration_after_the_planning_hands_the_passages_over(organisation, building, people):
    caretaker, backup = people
    day = timezone.localdate() + dt.timedelta(days=1)
    generation.generate_ahead(1)
    occurrence = RoundOccurrence.objects.get(day=day)
    assert occurrence.assignee == caretaker.membership.user
    _declare(organisation, caretaker, day, "childcare")
    generation.generate_ahead(1)  # the hourly task
    occurrence.refresh_from_db()
    assert occurrence.assignee == backup.membership.user
    _declare(organisation, caretaker, day, "on_site")
    generation.generate_ahead(1)
    occurrence.refresh_from_db()
    assert occurrence.assignee == caretaker.membership.user


def test_a_late_absence_hands_today_and_the_next_days_over_at_once(
    organisation, building, people, monkeypatch
):
    """Declared sick at 7 a.m., after the planning: today's and the next days' passages go to
    the usual replacement in the declaration's transaction, not at the next hourly run; a
    passage already started stays; another caretaker's building is not touched; back on
    site, the caretaker gets them back."""
    caretaker, backup = people
    seven = dt.datetime(2026, 3, 17, 7, 0, tzinfo=generation.PARIS)
    monkeypatch.setattr(timezone, "now", lambda: seven)
    today = timezone.localdate()
    other = BuildingFactory(residence__organisation=organisation, address="3 rue Colbert")
    other_caretaker = staff(organisation, Role.CARETAKER, first="Luc", last="Petit")
    services.caretaker_set(
        organisation=organisation,
        actor=None,
        building=other,
        caretaker=other_caretaker.membership.user,
        backup=backup.membership.user,
    )
    make_round(organisation, other)
    generation.generate_ahead(2)
    started = RoundOccurrence.objects.get(building=building, day=today + dt.timedelta(days=2))
    RoundStep.objects.filter(occurrence=started, position=0).update(done_at=timezone.now())
    days = [today, today + dt.timedelta(days=1), today + dt.timedelta(days=2)]
    for day in days:
        _declare(organisation, caretaker, day, "sick")

    def assignees(on):
        return dict(RoundOccurrence.objects.filter(day=on).values_list("building", "assignee"))

    sick, standing_in = caretaker.membership.user_id, backup.membership.user_id
    assert assignees(days[0]) == {
        building.pk: standing_in,
        other.pk: other_caretaker.membership.user_id,  # another caretaker's: not touched
    }
    assert assignees(days[1])[building.pk] == standing_in
    assert assignees(days[2])[building.pk] == sick  # a step was ticked: it stays
    events = AuditEvent.objects.filter(action="rounds.reassigned")
    assert [e.changes["moved"] for e in events] == [1, 1]  # today, tomorrow
    _declare(organisation, caretaker, days[1], "on_site")
    assert assignees(days[1])[building.pk] == sick


def test_a_declaration_rolled_back_hands_nothing_over(organisation, building, people):
    caretaker, _backup = people
    day = timezone.localdate() + dt.timedelta(days=1)
    generation.generate_ahead(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _declare(organisation, caretaker, day, "sick")
        raise RuntimeError("the request failed after the declaration")
    assert RoundOccurrence.objects.get(day=day).assignee == caretaker.membership.user


@pytest.fixture
def alone(organisation, building):
    """Thierry Roux looks after the building with no usual replacement; Marc Petit is free."""
    caretaker = staff(organisation, Role.CARETAKER, first="Thierry", last="Roux")
    services.caretaker_set(
        organisation=organisation,
        actor=None,
        building=building,
        caretaker=caretaker.membership.user,
    )
    make_round(organisation, building, passages=2, interval_minutes=240, window_minutes=120)
    marc = staff(organisation, Role.CARETAKER, first="Marc", last="Petit").membership.user
    return caretaker, marc


def _replace(organisation, absent, by, first, last):
    services.replacement_create(
        organisation=organisation,
        actor=None,
        replacement=Replacement(absent=absent, replacement=by, starts_on=first, ends_on=last),
    )


def test_a_replacement_after_the_absence_takes_the_passages_left_with_nobody(
    organisation, building, alone
):
    """Sick with no usual replacement, the caretaker's passages went to nobody; the dated
    replacement recorded next takes those and the next day's (still his)."""
    caretaker, marc = alone
    first = timezone.localdate() + dt.timedelta(days=1)
    second = first + dt.timedelta(days=1)
    generation.generate_ahead(2)
    _declare(organisation, caretaker, first, "sick")
    assert set(RoundOccurrence.objects.filter(day=first).values_list("assignee", flat=True)) == {
        None
    }
    _replace(organisation, caretaker.membership.user, marc, first, second)
    by_day = RoundOccurrence.objects.filter(day__in=[first, second])
    assert by_day.count() == 4
    assert set(by_day.values_list("assignee", flat=True)) == {marc.pk}


def test_an_absence_after_the_replacement_keeps_the_replacement(organisation, building, alone):
    caretaker, marc = alone
    first = timezone.localdate() + dt.timedelta(days=1)
    generation.generate_ahead(1)
    _replace(organisation, caretaker.membership.user, marc, first, first)
    _declare(organisation, caretaker, first, "sick")
    assert set(RoundOccurrence.objects.filter(day=first).values_list("assignee", flat=True)) == {
        marc.pk
    }


def test_setting_a_usual_replacement_takes_the_passages_left_with_nobody(
    organisation, building, alone
):
    caretaker, marc = alone
    first = timezone.localdate() + dt.timedelta(days=1)
    generation.generate_ahead(1)
    _declare(organisation, caretaker, first, "sick")
    started = RoundOccurrence.objects.filter(day=first).order_by("starts_at").last()
    RoundStep.objects.filter(occurrence=started, position=0).update(done_at=timezone.now())
    services.caretaker_set(
        organisation=organisation,
        actor=None,
        building=building,
        caretaker=caretaker.membership.user,
        backup=marc,
    )
    assignees = dict(RoundOccurrence.objects.filter(day=first).values_list("pk", "assignee"))
    assert assignees.pop(started.pk) is None  # already started: left alone
    assert set(assignees.values()) == {marc.pk}
