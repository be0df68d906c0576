"""Reservations in the demo: three holders with accounts, agreements with the Tours-area
landlords, assignments by the flow rule, designations in flight; a second seed resets them."""

import pytest

from relais.allocation.models import (
    Designation,
    ReservationAgreement,
    ReservationHolder,
    VacancyAssignment,
)
from relais.allocation.reservations.demo import USERNAMES
from relais.core.models import Membership
from relais.core.roles import Role
from relais.housing.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_holders_agreements_and_designations_in_flight():
    seed_demo(scale="tiny", seed=3)
    assert ReservationHolder.objects.count() == 3
    holders = Membership.objects.filter(user__username__in=USERNAMES)
    assert set(holders.values_list("role", flat=True)) == {Role.RESERVATION_HOLDER}
    assert holders.count() == 3
    assert ReservationAgreement.objects.exists()
    assigned = VacancyAssignment.objects.filter(agreement__isnull=False)
    assert assigned.exists() and VacancyAssignment.objects.filter(agreement=None).exists()
    assert Designation.objects.exists()
    assert Designation.objects.filter(dalo_deadline__isnull=False).exists()
    seed_demo(scale="tiny", seed=3, reset=True)  # reset then seed again: nothing doubled
    assert ReservationHolder.objects.count() == 3
    assert Membership.objects.filter(user__username__in=USERNAMES).count() == 3
