"""Coverage arithmetic (pure rules) and the selectors that feed it from the declarations."""

import datetime as dt

import pytest

from relais.continuity import selectors, services
from relais.continuity.coverage import Need, activity_coverage, need_coverage
from relais.core.roles import Role

from ..factories import AgencyFactory
from .factories import plan_with, staff

T, C = Role.TECHNICIAN, Role.CARETAKER
# (need, declarations {(role, agency, status): n}, directory {(role, agency): n},
#  expected (available, unknown, shortfall, certain))
CASES = [
    # Two technicians needed anywhere; one on site, one teleworking: met.
    (
        Need(T, None, 2),
        {(T, 1, "on_site"): 1, (T, 2, "telework"): 1},
        {(T, 1): 1, (T, 2): 1},
        (2, 0, 0, False),
    ),
    # On site only: telework does not count.
    (
        Need(T, None, 2, on_site_only=True),
        {(T, 1, "on_site"): 1, (T, 2, "telework"): 1},
        {(T, 1): 1, (T, 2): 1},
        (1, 0, 1, True),
    ),
    # A site: people of another agency do not count.
    (
        Need(T, 1, 2),
        {(T, 1, "on_site"): 1, (T, 2, "on_site"): 3},
        {(T, 1): 2, (T, 2): 3},
        (1, 1, 1, False),
    ),
    # Sick, isolating, childcare, leave and absent never count; the undeclared are unknown.
    (
        Need(C, None, 3),
        {(C, None, "sick"): 1, (C, None, "leave"): 1, (C, None, "on_site"): 1},
        {(C, None): 5},
        (1, 2, 2, False),
    ),
    # Short even if both undeclared turn up: certain.
    (
        Need(C, None, 4),
        {(C, None, "sick"): 2, (C, None, "on_site"): 1},
        {(C, None): 5},
        (1, 2, 3, True),
    ),
    # Another role never counts.
    (Need(C, None, 1), {(T, None, "on_site"): 4}, {(T, None): 4}, (0, 0, 1, True)),
    # More than the minimum: no shortfall.
    (Need(C, None, 1), {(C, None, "on_site"): 4}, {(C, None): 4}, (4, 0, 0, False)),
]


@pytest.mark.parametrize(("need", "counts", "directory", "expected"), CASES)
def test_need_coverage(need, counts, directory, expected):
    found = need_coverage(need, counts, directory)
    assert (found.available, found.unknown, found.shortfall, found.certain) == expected


def test_an_activity_is_below_when_any_requirement_is_short_and_adds_the_shortfalls():
    needs = [Need(T, None, 1), Need(C, None, 3)]
    found = activity_coverage(needs, {(T, None, "on_site"): 1, (C, None, "on_site"): 1}, {})
    assert (found.below, found.shortfall, found.certainly_below) == (True, 2, True)
    assert not activity_coverage([], {}, {}).below


def test_coverage_read_from_the_declarations_of_each_day(organisation):
    agency = AgencyFactory(organisation=organisation, name="Agence Nord")
    activity = plan_with(organisation, (C, 2, agency, True), name="Ménage")
    day = dt.date(2026, 12, 1)
    people = [staff(organisation, C, last=f"Agent{i}", agency=agency) for i in range(3)]
    elsewhere = staff(organisation, C, last="Sud")  # no agency: never counts for Nord
    for person, status in zip(people, ["on_site", "telework", "sick"], strict=True):
        services.day_declare(
            organisation=organisation, actor=None, staff=person, day=day, status=status
        )
    services.day_declare(
        organisation=organisation, actor=None, staff=elsewhere, day=day, status="on_site"
    )
    services.day_declare(
        organisation=organisation, actor=None, staff=people[1], day=day, status="on_site"
    )
    rows = dict(selectors.coverage_for_days(organisation, [day, day + dt.timedelta(days=1)]))
    today, tomorrow = rows[activity]
    assert (today.below, today.needs[0].available) == (False, 2)
    assert (tomorrow.below, tomorrow.shortfall, tomorrow.needs[0].unknown) == (True, 2, 3)
    assert selectors.on_site_count(organisation, day) == 3
    assert selectors.on_site_count(organisation, day, role=C) == 3
    assert selectors.on_site_count(organisation, day, role=T) == 0
    assert selectors.is_absent(people[2].membership.user, day)
    assert not selectors.is_absent(people[0].membership.user, day)
    assert not selectors.is_absent(people[2].membership.user, day + dt.timedelta(days=1))


def test_coverage_of_a_day_costs_the_same_queries_whatever_the_staff(
    organisation, django_assert_num_queries
):
    plan_with(organisation, (C, 2))
    day = dt.date(2026, 12, 1)
    with django_assert_num_queries(3):
        selectors.coverage_on(organisation, day)
    for i in range(10):
        person = staff(organisation, C, last=f"Agent{i}")
        services.day_declare(
            organisation=organisation, actor=None, staff=person, day=day, status="on_site"
        )
    with django_assert_num_queries(3):
        selectors.coverage_on(organisation, day)
