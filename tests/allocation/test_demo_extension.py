"""Allocation's part of the demo: applications, vacancies and a commission, and its reset."""

import pytest
from django.utils import timezone

from relais.allocation.applications.lifecycle import plus_years
from relais.allocation.models import (
    Application,
    CommissionMember,
    CommissionRules,
    IncomeCeiling,
    ScoringGrid,
    Seat,
    Vacancy,
    VacancyStatus,
)
from relais.allocation.reservations.services import open_reservation
from relais.allocation.vacancies.candidates import search_candidates, search_context
from relais.housing.demo import seed_demo
from relais.housing.models import Lease

pytestmark = pytest.mark.django_db


def test_the_demo_has_applications_vacancies_and_a_commission():
    seed_demo(scale="tiny", seed=3)
    assert IncomeCeiling.objects.filter(year=2026, financing="PLUS").count() == 21
    assert ScoringGrid.objects.filter(epci__isnull=True).exists()
    assert Application.objects.filter(score__gt=0).count() > 50
    # Renewed on each anniversary: every validity ends within the coming year.
    today = timezone.localdate()
    assert not Application.objects.filter(expires_on__lte=today).exists()
    assert not Application.objects.filter(expires_on__gt=plus_years(today, 1)).exists()
    vacancies = Vacancy.objects.all()
    assert vacancies.filter(status=VacancyStatus.READY).exists()
    # Every vacancy's candidates can be searched (a ceiling table for its financing), and at
    # least one ready vacancy is not reserved for a holder and has candidates.
    for vacancy in vacancies.select_related("dwelling__building__commune"):
        search_context(vacancy)
    free = [
        v
        for v in vacancies.filter(status=VacancyStatus.READY)
        if open_reservation(v) is None and search_candidates(v)
    ]
    assert free, "a ready vacancy, free of any reservation, with candidates"
    let = Lease.objects.filter(end_date__isnull=True, dwelling__vacancies__in=vacancies)
    assert not let.exists(), "only vacant dwellings are being re-let"
    seats = dict(CommissionMember.objects.values_list("user__username", "seat"))
    assert seats["directrice"] == Seat.PRESIDENT and seats["commission"] == Seat.MAYOR
    # Its internal rules provide for the remote sessions the crisis demo holds.
    assert CommissionRules.objects.get().remote_sessions_allowed is True


def test_reset_removes_the_allocation_rows_and_seeds_them_again():
    seed_demo(scale="tiny", seed=3)
    before = (Application.objects.count(), Vacancy.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (Application.objects.count(), Vacancy.objects.count()) == before
    assert CommissionMember.objects.filter(seat=Seat.PRESIDENT).count() == 1
    assert CommissionRules.objects.count() == 1
