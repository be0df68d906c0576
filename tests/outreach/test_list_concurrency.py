"""Two builds of the day's call list at once (PostgreSQL only: SQLite's ``BEGIN IMMEDIATE``
serialises every writer): nobody is listed twice, whether both build the first list of the
day or both append the people newly due, each with other callers on duty."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections

from relais.outreach import calllist, services
from relais.outreach.models import Follow

from .fixtures import caller, campaign, listed, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are only interleaved on PostgreSQL")


def _slow_share(due, caller_ids, share=calllist.share):
    """``share`` after a pause: each build holds what it read while the other reads too."""
    time.sleep(0.3)
    return share(due, caller_ids)


def _race(organisation, *caller_sets):
    """Build the list once per caller set, in threads released together, each pausing
    between its reads and its writes: (added, errors)."""
    barrier = threading.Barrier(len(caller_sets))
    added, errors = [], []

    def run(ids):
        try:
            barrier.wait()
            added.append(services.list_build(organisation=organisation, caller_ids=ids))
        except Exception as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(ids,)) for ids in caller_sets]
    with mock.patch.object(calllist, "share", _slow_share):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return added, errors


def test_two_builds_at_once_list_everyone_once(organisation):
    for index in range(6):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b = caller(organisation, "a"), caller(organisation, "b")
    added, errors = _race(organisation, [a.pk], [b.pk])
    assert errors == [] and sorted(added) == [0, 6]
    assert sorted(listed()) == sorted(Follow.objects.values_list("pk", flat=True))
    # Newcomers appended by two rebuilds at once, each with another caller on duty.
    for index in range(3):
        person(organisation, name=f"Later{index}")
    added, errors = _race(organisation, [a.pk], [b.pk])
    assert errors == [] and sorted(added) == [0, 3]
    assert sorted(listed()) == sorted(Follow.objects.values_list("pk", flat=True))
