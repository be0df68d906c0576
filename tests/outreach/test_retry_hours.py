"""A "no answer" is retried within calling hours (rules.retry_at): the trial's « Pas de
réponse » at 21:56 offered « rappeler à partir de 23:56 »."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from relais.outreach import rules, selectors, services
from relais.outreach.models import Follow

from .fixtures import caller, campaign, person

PARIS = ZoneInfo("Europe/Paris")


def _at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (_at(23, 10), _at(23, 12)),  # within the window: two hours later
        (_at(23, 17), _at(23, 19)),  # lands on the window's end: still that day
        (_at(23, 17, 1), _at(24, 9)),  # one minute past: next day at the start
        (_at(23, 21, 56), _at(24, 9)),  # the trial's case
        (_at(23, 23, 30), _at(24, 9)),  # past midnight: that morning at the start
        (_at(23, 6), _at(23, 9)),  # early morning: the window's start
        (_at(23, 7, 30), _at(23, 9, 30)),
    ],
)
def test_a_retry_falls_within_calling_hours(last, expected):
    assert rules.retry_at(last) == expected
    assert rules.retry_at(last.astimezone(dt.UTC)) == expected  # whatever the zone given


def test_a_late_no_answer_is_due_the_next_day(organisation, time_machine):
    person(organisation)
    campaign(organisation)
    lea = caller(organisation, "lea")
    day = timezone.localdate()
    time_machine.move_to(dt.datetime.combine(day, dt.time(21, 56), tzinfo=PARIS))
    services.list_build(organisation=organisation, day=day)
    follow = Follow.objects.get()
    services.call_record(
        organisation=organisation, actor=None, membership=lea, follow=follow, outcome="no_answer"
    )
    follow.refresh_from_db()
    assert follow.next_due_on == day + dt.timedelta(days=1)
    (row,) = selectors.my_list_rows(organisation, lea, day)
    assert row.not_before is None  # not offered « à partir de 23:56 » today
