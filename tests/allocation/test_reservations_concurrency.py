"""Vacancies of one landlord becoming ready at the same moment are assigned as if one after the
other: each reads the balance the previous one left (ADR 0047 §2, the agreements' lock).

Runs on PostgreSQL only (``DATABASE_URL=postgres://…``): SQLite serialises every write
transaction of the whole database, so there is no race to test there.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from relais.allocation.models import VacancyAssignment
from relais.allocation.vacancies.services import vacancy_transition
from relais.core import audit

from ..factories import DwellingFactory, OrganisationFactory
from .factories import VacancyFactory
from .factories_reservations import agreement, holder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 6  # pairs of vacancies made ready together


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writes, there is no race to test")


class MadeReady(threading.Thread):
    """Moves one vacancy to ready when the barrier lets every thread go at once."""

    def __init__(self, vacancy, go):
        super().__init__()
        self.vacancy, self.go = vacancy, go
        self.errors: list[BaseException] = []

    def run(self):
        try:
            self.go.wait()
            vacancy_transition(vacancy=self.vacancy, actor=None, to="ready")
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            connections.close_all()


def _notice(landlord):
    home = DwellingFactory(building__residence__organisation=landlord)
    return VacancyFactory(
        dwelling=home, status="notice", ready_on=None, notice_received_on=dt.date(2020, 1, 1)
    )


def test_two_vacancies_ready_together_split_as_the_rule_says():
    """A 50 % agreement: of each pair made ready at the same moment, one goes to the holder and
    one stays with the landlord (read concurrently, both would be "half a vacancy behind")."""
    landlord = OrganisationFactory(name="Tours Habitat")
    the_agreement = agreement(landlord, holder(email="ddets@example.fr"), share=50)
    other = OrganisationFactory(name="Val Touraine Habitat")
    agreement(other, holder("Action Logement", email="al@example.fr"), share=50)
    for round_number in range(1, ROUNDS + 1):
        pair = [_notice(landlord), _notice(landlord)]
        go = threading.Barrier(3)  # the other landlord's vacancy races too, unhindered
        threads = [MadeReady(v, go) for v in [*pair, _notice(other)]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive()
            assert thread.errors == []
        flows = VacancyAssignment.objects.filter(vacancy__in=pair)
        to_holder = [a for a in flows if a.agreement_id == the_agreement.pk]
        assert len(flows) == 2
        assert len(to_holder) == 1, f"round {round_number}: {[a.rule_note for a in flows]}"
    mine = VacancyAssignment.objects.filter(organisation=landlord)
    assert mine.filter(agreement=the_agreement).count() == ROUNDS
    assert mine.filter(agreement=None).count() == ROUNDS
    assert VacancyAssignment.objects.filter(organisation=other).count() == ROUNDS
    _checked, problems = audit.verify_all()
    assert problems == []
