"""Migration ``outreach/0004_call_sheets`` backwards and forwards (ADR 0050 §8), on the test
database itself: sheets written at the latest state, back to 0003 (each sheet becomes its
caller's lines of the day, by position), lines added through the historical ``ListItem``
(dangling ones, which the old table allowed), forward to 0004 (the lines become the same
sheets again, the dangling lines dropped). The latest state is restored at the end even when
the test fails midway, so the tests that follow on the same xdist worker find it.

A ``transaction=True`` test: schema changes cannot run inside the test case's transaction
(SQLite refuses them with foreign keys on). Marked ``migrations`` (``-m "not migrations"``
leaves it out of a quick local run; CI runs it). Two migrations only, one each way: most of
its time is Django computing the project's state from every app's migrations."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from relais.outreach.models import CallSheet, Follow

from .fixtures import caller, campaign, person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.migrations]

BEFORE = ("outreach", "0003_list_item_lighter")


def _migrate(target=None):
    """Migrate outreach to ``target`` (None: every app's latest); the historical apps there,
    or None when there was nothing to do."""
    executor = MigrationExecutor(connection)
    targets = [target] if target else executor.loader.graph.leaf_nodes()
    if not executor.migration_plan(targets):
        return None
    return executor.migrate(targets).apps


@pytest.fixture
def latest_restored():
    yield
    _migrate()


def test_sheets_become_lines_and_back(organisation, latest_restored):
    people = [person(organisation, name=name) for name in ("Aubert", "Bodin", "Carre")]
    found = campaign(organisation)
    a, b, gone = (caller(organisation, name) for name in ("a", "b", "gone"))
    follows = dict(Follow.objects.values_list("entry_id", "pk"))
    p1, p2, p3 = (follows[entry.pk] for entry in people)
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    gone_pk = gone.pk
    gone.delete()
    org, camp = organisation.pk, found.pk
    sheets = [  # a's list of today out of id order
        (org, a.pk, today, [p2, p1]),
        (org, a.pk, tomorrow, [p1]),
        (org, b.pk, today, [p3]),
    ]
    CallSheet.objects.bulk_create(
        CallSheet(organisation_id=o, caller_id=c, day=d, follows=f) for o, c, d, f in sheets
    )

    ListItem = _migrate(BEFORE).get_model("outreach", "ListItem")
    lines = ListItem.objects.values_list(
        "organisation_id", "campaign_id", "caller_id", "day", "follow_id", "position"
    )
    assert sorted(lines) == sorted(
        [
            (org, camp, a.pk, today, p2, 1),
            (org, camp, a.pk, today, p1, 2),
            (org, camp, b.pk, today, p3, 1),
            (org, camp, a.pk, tomorrow, p1, 1),
        ]
    )
    ListItem.objects.bulk_create(
        ListItem(
            organisation_id=org, campaign_id=camp, caller_id=pk, day=day, follow_id=f, position=n
        )
        for pk, day, f, n in [
            (a.pk, tomorrow, 999_999, 2),  # a follow since deleted
            (gone_pk, tomorrow, p2, 1),  # a caller since deleted
        ]
    )

    _migrate()
    rows = CallSheet.objects.values_list("organisation_id", "caller_id", "day", "follows")
    assert sorted(rows) == sorted(sheets)
