"""Who does the rounds: the caretaker, a dated replacement, or — when continuity's staff
availability says the caretaker is absent — the building's usual replacement."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.continuity import services as continuity
from relais.core.roles import Role
from relais.proximity import generation, services
from relais.proximity.assignment import assignee_for
from relais.proximity.models import Replacement, RoundOccurrence

from ..continuity.factories import staff
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
