"""write_transaction: audit appended last, savepoint rollbacks honoured, lock races retried."""

import pytest
from django.db import IntegrityError, OperationalError, transaction

from relais.core import audit
from relais.core.models import AuditEvent
from relais.core.transactions import is_retryable, write_transaction

from ..factories import OrganisationFactory


class _DeadlockDetected(Exception):
    sqlstate = "40P01"


class _UniqueViolation(Exception):
    sqlstate = "23505"


def _lost_race(cause_class=_DeadlockDetected) -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = cause_class()
    return error


def _events(organisation):
    """The organisation's events after the one that opened its chain at its creation."""
    return AuditEvent.objects.filter(organisation=organisation).exclude(
        action="organisation.created"
    )


@pytest.mark.django_db
def test_events_are_appended_when_the_service_returns_in_recording_order():
    organisation = OrganisationFactory()
    seen_inside = []

    @write_transaction
    def service():
        first = audit.record(action="test.first", organisation=organisation)
        audit.record(action="test.second", organisation=organisation)
        seen_inside.append(_events(organisation).count())
        return first

    first = service()
    assert seen_inside == [0]  # the chain head was not touched while the service ran
    events = list(_events(organisation).order_by("sequence"))
    assert [e.action for e in events] == ["test.first", "test.second"]
    assert first.pk == events[0].pk and first.hash == events[0].hash  # the caller's instance
    assert events[1].prev_hash == events[0].hash
    assert audit.verify_chain(audit.chain_for(organisation), None)[:-1] == []


@pytest.mark.django_db
def test_an_event_recorded_in_a_rolled_back_savepoint_is_not_appended():
    organisation = OrganisationFactory()

    @write_transaction
    def service():
        try:
            with transaction.atomic():
                audit.record(action="test.undone", organisation=organisation)
                raise IntegrityError("the write failed")
        except IntegrityError:
            pass
        audit.record(action="test.done", organisation=organisation)

    service()
    actions = _events(organisation).values_list("action", flat=True)
    assert list(actions) == ["test.done"]


@pytest.mark.django_db
def test_a_failing_service_appends_nothing_and_leaves_no_queue_behind():
    organisation = OrganisationFactory()

    @write_transaction
    def service():
        audit.record(action="test.failed", organisation=organisation)
        raise ValueError("refused")

    with pytest.raises(ValueError):
        service()
    assert not _events(organisation).exists()
    assert audit.appending_last() is False
    audit.record(action="test.after", organisation=organisation)  # appended at once again
    assert AuditEvent.objects.filter(action="test.after").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_runs_again_and_its_first_attempt_leaves_nothing():
    organisation = OrganisationFactory()
    attempts = []

    @write_transaction
    def service():
        attempts.append(1)
        audit.record(action=f"test.attempt{len(attempts)}", organisation=organisation)
        if len(attempts) == 1:
            raise _lost_race()
        return "stored"

    assert service() == "stored"
    assert len(attempts) == 2
    actions = _events(organisation).values_list("action", flat=True)
    assert list(actions) == ["test.attempt2"]


@pytest.mark.django_db(transaction=True)
def test_retries_stop_after_five_attempts_and_other_errors_are_not_retried():
    calls = {"race": 0, "other": 0}

    @write_transaction
    def always_losing():
        calls["race"] += 1
        raise _lost_race()

    @write_transaction
    def constraint_broken():
        calls["other"] += 1
        raise _lost_race(_UniqueViolation)

    with pytest.raises(OperationalError):
        always_losing()
    with pytest.raises(OperationalError):
        constraint_broken()
    assert calls == {"race": 5, "other": 1}


@pytest.mark.django_db
def test_inside_a_transaction_it_owns_none_it_is_not_retried():
    calls = []

    @write_transaction
    def service():
        calls.append(1)
        raise _lost_race()

    with pytest.raises(OperationalError):
        service()  # the test's transaction is the owner: running again is its caller's call
    assert calls == [1]


def test_which_errors_are_lock_races():
    assert is_retryable(_lost_race())
    assert is_retryable(_lost_race(type("Serialization", (Exception,), {"sqlstate": "40001"})))
    assert is_retryable(OperationalError("database is locked"))
    assert not is_retryable(_lost_race(_UniqueViolation))
    assert not is_retryable(OperationalError("no such table: relais_x"))
