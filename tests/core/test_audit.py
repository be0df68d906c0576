import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from relais.core import audit
from relais.core.models import AuditChainHead, AuditEvent

from ..factories import OrganisationFactory, UserFactory


@pytest.fixture
def chain(db):
    organisation = OrganisationFactory()
    actor = UserFactory()
    events = [
        audit.record(action="test.done", organisation=organisation, actor=actor, changes={"n": n})
        for n in range(5)
    ]
    audit.record(action="global.done")
    return organisation, events


def test_events_are_chained(chain):
    organisation, events = chain
    opening = AuditEvent.objects.get(organisation=organisation, sequence=1)
    assert (opening.action, opening.object_id) == ("organisation.created", str(organisation.pk))
    assert opening.prev_hash == audit.GENESIS_HASH
    assert [e.sequence for e in events] == [2, 3, 4, 5, 6]
    assert events[0].prev_hash == opening.hash
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    assert audit.verify_all() == (7, [])


def test_verify_command_passes_on_an_intact_trail(chain, capsys):
    call_command("audit_verify")
    assert "7 events verified" in capsys.readouterr().out


def test_altered_content_is_detected(chain):
    _organisation, events = chain
    AuditEvent.objects.filter(pk=events[2].pk).update(changes={"n": 99})
    with pytest.raises(CommandError, match="corrupted"):
        call_command("audit_verify")
    _count, problems = audit.verify_all()
    assert [(p.sequence, p.message) for p in problems] == [(4, "content altered")]


def test_row_altered_with_raw_sql_is_detected(chain):
    """Even an UPDATE behind Django's back (e.g. in psql) is caught."""
    _organisation, events = chain
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["x", events[1].pk])
    assert audit.verify_all()[1]


def test_deleted_event_is_detected(chain):
    _organisation, events = chain
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    messages = [p.message for p in audit.verify_all()[1]]
    assert "expected event #3: missing" in messages


def test_deleting_the_newest_event_is_detected(chain):
    _organisation, events = chain
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    messages = [p.message for p in audit.verify_all()[1]]
    assert messages == ["newest events missing or head altered"]


def test_rewriting_a_whole_event_with_a_new_hash_breaks_the_next_link(chain):
    _organisation, events = chain
    forged = AuditEvent.objects.get(pk=events[2].pk)
    forged.changes = {"n": 42}
    values = {name: getattr(forged, name) for name in audit.HASHED_FIELDS}
    AuditEvent.objects.filter(pk=forged.pk).update(
        changes=forged.changes, hash=audit.content_hash(forged.prev_hash, values)
    )
    problems = audit.verify_all()[1]
    assert [(p.sequence, p.message) for p in problems] == [(5, "link to the previous event broken")]


def test_each_organisation_has_its_own_chain(chain):
    organisation, _events = chain
    other = OrganisationFactory()
    event = audit.record(action="test.other", organisation=other)
    assert event.sequence == 2  # after the other organisation's creation
    assert AuditChainHead.objects.get(chain=f"org:{organisation.pk}").sequence == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race matters on PostgreSQL")
    organisation = OrganisationFactory()
    errors = []

    def write():
        try:
            for _ in range(10):
                audit.record(action="race", organisation=organisation)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(
        AuditEvent.objects.filter(organisation=organisation).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 42))  # the creation, then 40 events
    assert audit.verify_all()[1] == []
