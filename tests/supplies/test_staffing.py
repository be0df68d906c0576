"""Days of cover count the staff declared on site in continuity's staff availability when an
agency's people declared their day; the declared headcount otherwise (issue 15 §1)."""

import datetime as dt

import pytest

from relais.continuity import services as continuity
from relais.core.roles import Role
from relais.supplies import staffing
from relais.supplies.models import Location, LocationKind

from ..continuity.factories import staff
from ..factories import AgencyFactory
from .fixtures import make_location

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


def test_an_agency_counts_its_staff_declared_on_site(organisation):
    agency = AgencyFactory(organisation=organisation, name="Agence Centre")
    location = make_location(organisation, caretakers=2)
    Location.objects.filter(pk=location.pk).update(agency=agency)
    room = make_location(organisation, name="Local gardiens", caretakers=1)
    Location.objects.filter(pk=room.pk).update(agency=agency, kind=LocationKind.CARETAKER_ROOM)
    # Nobody declared yet: the declared headcount.
    assert staffing.headcounts(organisation, DAY)[location.pk] == {Role.CARETAKER: 2}
    statuses = ["on_site", "on_site", "on_site", "telework", "sick"]
    for index, status in enumerate(statuses):
        person = staff(organisation, Role.CARETAKER, last=f"Gardien {index}", agency=agency)
        continuity.day_declare(
            organisation=organisation, actor=None, staff=person, day=DAY, status=status
        )
    counted = staffing.headcounts(organisation, DAY)
    assert counted[location.pk] == {Role.CARETAKER: 3}
    # Another day without declarations, and a location that is not the agency's: declared.
    assert (
        staffing.headcounts(organisation, DAY + dt.timedelta(days=1))[location.pk][Role.CARETAKER]
        == 2
    )
    assert counted[room.pk][Role.CARETAKER] == 1
    assert staffing.headcount(location, DAY) == {Role.CARETAKER: 3}
