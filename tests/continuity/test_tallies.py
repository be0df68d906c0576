"""The hand-written counts (``continuity.tallies``, ADR 0043) give what the ORM queries they
replaced gave, on the same data, and never count another organisation's staff or a member
who left."""

import datetime as dt
import itertools

import pytest
from django.db.models import Count

from relais.continuity import selectors, services
from relais.continuity.models import AVAILABLE_STATUSES, Declaration, StaffMember
from relais.core.roles import Role

from ..factories import AgencyFactory, OrganisationFactory, UserFactory
from .factories import plan_with, staff

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 30)
STATUSES = ("on_site", "telework", "sick", "leave", None)


@pytest.fixture
def people(organisation):
    """Caretakers and technicians over two agencies and none, with every status over two
    days, one member who left, and an outsider declared on site."""
    agencies = [AgencyFactory(organisation=organisation) for _ in range(2)]
    combos = itertools.product((Role.CARETAKER, Role.TECHNICIAN), [*agencies, None], STATUSES)
    for n, (role, agency, status) in enumerate(combos):
        person = staff(organisation, role, last=f"P{n}", agency=agency)
        for day, value in ((DAY, status), (DAY + dt.timedelta(days=1), STATUSES[n % 5])):
            if value:
                services.day_declare(
                    organisation=organisation, actor=None, staff=person, day=day, status=value
                )
    gone = staff(organisation, Role.CARETAKER, last="Parti", agency=agencies[0])
    services.day_declare(
        organisation=organisation, actor=None, staff=gone, day=DAY, status="on_site"
    )
    gone.membership.is_active = False
    gone.membership.save()
    other = OrganisationFactory()
    outsider = staff(other, Role.CARETAKER, last="Ailleurs")
    services.day_declare(organisation=other, actor=None, staff=outsider, day=DAY, status="on_site")
    return agencies


def _orm_status_totals(organisation, day):
    rows = (
        Declaration.objects.filter(
            organisation=organisation, day=day, staff__membership__is_active=True
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = {"on_site": 0, "telework": 0, "absent": 0}
    for status, n in rows:
        totals[status if status in AVAILABLE_STATUSES else "absent"] += n
    directory = StaffMember.objects.filter(organisation=organisation, membership__is_active=True)
    totals["not_declared"] = max(directory.count() - sum(totals.values()), 0)
    return totals


def _orm_day_counts(organisation, first, last):
    rows = (
        Declaration.objects.filter(
            organisation=organisation,
            day__gte=first,
            day__lte=last,
            staff__membership__is_active=True,
        )
        .values_list("day", "staff__membership__role", "staff__agency_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {}
    for day, role, agency_id, status, n in rows:
        found.setdefault(day, {})[(role, agency_id, status)] = n
    return found


def _orm_on_site_by_agency(organisation, day):
    rows = (
        Declaration.objects.filter(
            organisation=organisation,
            day=day,
            status="on_site",
            staff__agency__isnull=False,
            staff__membership__is_active=True,
        )
        .order_by()
        .values_list("staff__agency_id", "staff__membership__role")
        .annotate(n=Count("pk"))
    )
    found = {}
    for agency_id, role, n in rows:
        found.setdefault(agency_id, {})[role] = n
    return found


def test_the_counts_are_those_of_the_orm(organisation, people):
    for day in (DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=5)):
        assert selectors.status_totals(organisation, day) == _orm_status_totals(organisation, day)
        assert selectors.on_site_by_agency(organisation, day) == _orm_on_site_by_agency(
            organisation, day
        )
    last = DAY + dt.timedelta(days=3)
    assert dict(selectors.day_counts(organisation, DAY, last)) == _orm_day_counts(
        organisation, DAY, last
    )
    totals = selectors.status_totals(organisation, DAY)
    assert totals == {"on_site": 6, "telework": 6, "absent": 12, "not_declared": 6}
    assert selectors.on_site_count(organisation, DAY) == 6
    assert selectors.on_site_count(organisation, DAY, role=Role.TECHNICIAN) == 3
    assert selectors.staff_counts(organisation)[(Role.CARETAKER, people[0].pk)] == 5


def test_coverage_reads_the_plan_as_the_orm_did(organisation, people):
    owner = UserFactory(first_name="Claire", last_name="Martin", email="claire@example.org")
    activity = plan_with(
        organisation,
        (Role.TECHNICIAN, 2, people[0], True),
        (Role.CARETAKER, 3),
        owner=owner,
    )
    rows = selectors.coverage_on(organisation, DAY)
    expected = selectors.activities(organisation)
    assert [a.pk for a, _c in rows] == [a.pk for a in expected]
    found = dict(rows)
    assert found[activity].needs[0].need.role == Role.CARETAKER  # by role, as the ORM did
    mine = next(a for a, _c in rows if a.pk == activity.pk)
    assert mine.owner.get_full_name() == "Claire Martin" and mine.max_downtime_hours == 24
    by_pk = {a.pk: a for a in expected}
    for a, _cover in rows:
        assert [(n.role, n.agency_id, n.minimum, n.on_site_only, n.label) for n in a.needs] == [
            (n.role, n.agency_id, n.minimum, n.on_site_only, n.label) for n in by_pk[a.pk].needs
        ]
    below = {ref.pk: ref for ref, _c in selectors.below_minimum(organisation, DAY)}
    assert below[activity.pk].owner_email == "claire@example.org"
