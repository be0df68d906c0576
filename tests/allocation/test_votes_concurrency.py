"""No lost or double vote: members change positions in threads while two closers race.

Runs on PostgreSQL only (``DATABASE_URL=postgres://…``): SQLite serialises every write
transaction of the whole database, so there is no race to test there.
"""

import datetime as dt
import random
import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from relais.allocation.commissions import closing, positions
from relais.allocation.models import Candidate, Position, Session, SessionKind, SessionStatus
from relais.core.models import AuditEvent

from ..factories import OrganisationFactory
from .factories_commissions import board

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ceilings_loaded"),
]

VOTES_PER_MEMBER = 1000  # far more than the close lets through
MIN_VOTES_BEFORE_CLOSE = 40


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writes, there is no race to test")


class Voter(threading.Thread):
    """Changes its positions as fast as it can; every accepted write flips the choice, so any
    write accepted after the tally would show as a difference between tally and rows."""

    def __init__(self, prepared, member, start):
        super().__init__()
        self.prepared, self.member, self.start_signal = prepared, member, start
        self.accepted: dict[int, tuple] = {}  # candidate → last accepted (choice, rank)
        self.refused_after_close = 0
        self.writes = 0
        self.errors: list[BaseException] = []

    def run(self):
        item_of = {
            c.pk: i for i in range(len(self.prepared.items)) for c in self.prepared.candidates(i)
        }
        candidates = [
            c for i in range(len(self.prepared.items)) for c in self.prepared.candidates(i)
        ]
        rng = random.Random(self.member.pk)
        self.start_signal.wait()
        try:
            for _attempt in range(VOTES_PER_MEMBER):
                candidate = rng.choice(candidates)
                previous = self.accepted.get(candidate.pk, ("non_attribution", None))
                # A member gives each rank once per item (issue 7 §9): pick a rank still free.
                taken = {
                    rank
                    for pk, (_choice, rank) in self.accepted.items()
                    if rank and item_of[pk] == item_of[candidate.pk]
                }
                free = [rank for rank in (1, 2, 3) if rank not in taken]
                wanted = (
                    ("attribution", rng.choice(free))
                    if previous[0] == "non_attribution"
                    else ("non_attribution", None)
                )
                try:
                    positions.position_record(
                        session=self.prepared.session,
                        member=self.member,
                        candidate=candidate,
                        choice=wanted[0],
                        rank=wanted[1],
                        reason="" if wanted[1] else "Motif",
                    )
                except ValidationError:
                    self.refused_after_close += 1
                    break
                self.accepted[candidate.pk] = wanted
                self.writes += 1
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            connections.close_all()


class Closer(threading.Thread):
    def __init__(self, session_id, go):
        super().__init__()
        self.session_id, self.go = session_id, go
        self.result, self.errors = None, []

    def run(self):
        try:
            self.go.wait()
            self.result = closing.session_close(session_id=self.session_id)
        except BaseException as error:
            self.errors.append(error)
        finally:
            connections.close_all()


def _wait_for_votes(voters, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while sum(v.writes for v in voters) < count:
        assert time.monotonic() < deadline, "the voters did not get going"
        time.sleep(0.01)


def _race(prepared):
    """Members vote; once enough positions flow, two closers fire together in the middle of
    them (a remote session first gets its closing time set to that moment)."""
    start = threading.Event()
    voters = [Voter(prepared, member, start) for member in prepared.voters]
    go = threading.Barrier(2)
    closers = [Closer(prepared.session.pk, go) for _ in range(2)]
    for thread in voters:
        thread.start()
    start.set()
    _wait_for_votes(voters, MIN_VOTES_BEFORE_CLOSE)
    if prepared.session.kind == SessionKind.REMOTE:
        closes_at = timezone.now() + dt.timedelta(milliseconds=200)
        Session.objects.filter(pk=prepared.session.pk).update(closes_at=closes_at)
        time.sleep(max((closes_at - timezone.now()).total_seconds(), 0))
    for thread in closers:
        thread.start()
    for thread in voters + closers:
        thread.join(timeout=120)
    return voters, closers


@pytest.mark.parametrize("kind", [SessionKind.IN_PERSON, SessionKind.REMOTE])
def test_every_position_recorded_before_the_close_is_counted_exactly_once(kind):
    prepared = board(OrganisationFactory(), items=2, kind=kind)
    voters, closers = _race(prepared)
    for thread in voters + closers:
        assert not thread.is_alive()
        assert thread.errors == []

    assert sum(closer.result is not None for closer in closers) == 1
    assert AuditEvent.objects.filter(action="session.closed").count() == 1
    session = Session.objects.get(pk=prepared.session.pk)
    assert session.status == SessionStatus.CLOSED
    assert all(v.refused_after_close == 1 for v in voters), "every voter ran into the close"

    rows = {(p.member_id, p.candidate_id): (p.choice, p.rank) for p in Position.objects.all()}
    accepted = {
        (voter.member.pk, candidate_id): choice
        for voter in voters
        for candidate_id, choice in voter.accepted.items()
    }
    assert rows == accepted  # no accepted write lost, none duplicated
    for candidate in Candidate.objects.filter(item__session=session):
        mine = [choice for (_m, c), choice in rows.items() if c == candidate.pk]
        counts = Counter(choice for choice, _rank in mine)
        assert candidate.tally["attribution"] == counts["attribution"]
        assert candidate.tally["non_attribution"] == counts["non_attribution"]
        assert candidate.tally["ranks"] == sorted(r for c, r in mine if c == "attribution")
    closed = AuditEvent.objects.get(action="session.closed")
    assert closed.changes["positions_counted"] == len(rows)

    late = prepared.candidates()[0]
    with pytest.raises(ValidationError):
        positions.position_record(
            session=session, member=prepared.tenant, candidate=late, choice="attribution", rank=1
        )
    assert Position.objects.count() == len(rows)
