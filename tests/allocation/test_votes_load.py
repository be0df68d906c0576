"""Voting under load never fails (issue 19 §6): 50 members vote while staff read, no 5xx.

On PostgreSQL 50 voters and staff reading pages of the same landlord got "deadlock detected"
(500): the session lock also locked the organisation row, which the audit events' foreign-key
check needs, while the audit append waited for the chain head held by a staff request. Each
thread here is one browser (its own client and database connection) doing what members and
staff do on the pages: open every candidate's file (an audited read), take a position on it,
change it once; staff open household files and applications (audited reads) meanwhile.

Runs on PostgreSQL only (``DATABASE_URL=postgres://…``, ``max_connections`` above 60): SQLite
serialises writers, there is no lock order to get wrong there (the SQLite figures come from
``bench/load_scenarios/voting.py``).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from relais.allocation.models import Candidate, CommissionMember, Position, Seat
from relais.core import audit
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..factories import HouseholdFactory, MembershipFactory, OrganisationFactory
from .factories_commissions import board, seat

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOTERS = 50
STAFF = 10
STAFF_READS = 12  # pages each staff member opens
ITEMS = 1  # three candidates each


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writes, there is no lock order")


def _client(user) -> Client:
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(user)
    return client


class Browser(threading.Thread):
    """Runs ``steps`` (a list of (method, url, data)) once ``start_signal`` is set and keeps
    every status code; an exception is kept too (the test reports it)."""

    def __init__(self, user, steps, start_signal):
        super().__init__()
        self.user, self.steps, self.start_signal = user, steps, start_signal
        self.statuses: list[tuple[str, int]] = []
        self.errors: list[BaseException] = []

    def run(self):
        try:
            client = _client(self.user)
            self.start_signal.wait()
            for method, url, data in self.steps:
                response = getattr(client, method)(url, data)
                self.statuses.append((url, response.status_code))
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            connections.close_all()


def _voter_steps(session, candidates, member_index: int) -> list[tuple]:
    """Open each file, take a position, then change it: the final position is known."""
    steps = []
    for candidate in candidates:
        file_url = reverse("allocation:vote_candidate", args=[session.pk, candidate.pk])
        position_url = reverse("allocation:vote_position", args=[session.pk, candidate.pk])
        steps.append(("get", file_url, None))
        steps.append(("post", position_url, {"choice": "non_attribution", "reason": "Trop cher"}))
        rank = 1 + (member_index + candidate.proposed_rank) % 3
        steps.append(("post", position_url, {"choice": "attribution", "rank": str(rank)}))
    return steps


def _staff_steps(household, candidates) -> list[tuple]:
    urls = [reverse("housing:household_detail", args=[household.pk])] + [
        reverse("allocation:application_detail", args=[c.application_id]) for c in candidates
    ]
    return [("get", urls[n % len(urls)], None) for n in range(STAFF_READS)]


def _crowd(prepared, organisation):
    """The board's four voters plus 46 more seats, and STAFF allocation officers."""
    commission = prepared.commission
    extra = [seat(commission, Seat.LANDLORD if n % 2 else Seat.TENANT) for n in range(VOTERS - 4)]
    voters = prepared.voters + extra
    staff = [
        MembershipFactory(organisation=organisation, role=Role.ALLOCATION_OFFICER).user
        for _n in range(STAFF)
    ]
    return voters, staff


def test_fifty_voters_and_staff_readers_get_no_server_error_and_every_position_once():
    organisation = OrganisationFactory()
    prepared = board(organisation, items=ITEMS)
    voters, staff = _crowd(prepared, organisation)
    household = HouseholdFactory(organisation=organisation)
    candidates = list(
        Candidate.objects.filter(item__session=prepared.session).order_by("item", "proposed_rank")
    )
    start = threading.Event()
    voter_threads = [
        Browser(member.user, _voter_steps(prepared.session, candidates, n), start)
        for n, member in enumerate(voters)
    ]
    staff_threads = [Browser(user, _staff_steps(household, candidates), start) for user in staff]
    threads = voter_threads + staff_threads
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=300)

    assert not [t for t in threads if t.is_alive()], "a browser hung"
    assert [e for t in threads for e in t.errors] == []
    statuses = [status for t in threads for _url, status in t.statuses]
    assert len(statuses) == VOTERS * len(candidates) * 3 + STAFF * STAFF_READS
    failed = [(url, status) for t in threads for url, status in t.statuses if status >= 400]
    assert failed == []  # no 5xx (and no refusal either: every request was a legitimate one)

    rows = Position.objects.filter(candidate__item__session=prepared.session)
    assert rows.count() == VOTERS * len(candidates)  # every position stored, none twice
    expected = {
        (member.pk, candidate.pk): 1 + (n + candidate.proposed_rank) % 3
        for n, member in enumerate(voters)
        for candidate in candidates
    }
    stored = {(p.member_id, p.candidate_id): p.rank for p in rows if p.choice == "attribution"}
    assert stored == expected  # each member's last word is the one kept
    assert CommissionMember.objects.filter(commission=prepared.commission).count() == VOTERS + 1

    recorded = AuditEvent.objects.filter(organisation=organisation)
    assert recorded.filter(action="vote.position_recorded").count() == 2 * len(expected)
    assert recorded.filter(action="application.viewed").count() >= VOTERS * len(candidates)
    _checked, problems = audit.verify_all()
    assert problems == []  # the chain survived the crowd: no fork, no gap
