"""Offer answer periods (R441-10 CCH) and elapsed session lengths: a table of cases."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relais.allocation.deadlines import (
    answer_due_on,
    assumed_receipt,
    elapsed_end,
    is_working_day,
    next_working_day,
    offer_lapsed,
)

D = dt.date
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("received_on", "departement", "due_on"),
    [
        # The case: nominally due Saturday 14 March 2026 → Monday 16 March.
        (D(2026, 3, 4), None, D(2026, 3, 16)),
        # A weekday stays as it is: received Thursday 5 March → due Sunday 15 → Monday 16.
        (D(2026, 3, 5), None, D(2026, 3, 16)),
        (D(2026, 3, 2), None, D(2026, 3, 12)),  # Thursday: no shift
        # 1 May 2026 (Friday, Labour Day) → Monday 4 May.
        (D(2026, 4, 21), None, D(2026, 5, 4)),
        # 8 May 2026 (Friday, Victory Day) → Monday 11 May.
        (D(2026, 4, 28), None, D(2026, 5, 11)),
        # 14 July 2026 is a Tuesday: due Wednesday 15 July.
        (D(2026, 7, 4), None, D(2026, 7, 15)),
        # Good Friday 3 April 2026 is a holiday in Moselle only; Easter Monday everywhere.
        (D(2026, 3, 24), None, D(2026, 4, 3)),
        (D(2026, 3, 24), "57", D(2026, 4, 7)),
        (D(2026, 3, 24), "67", D(2026, 4, 7)),
        # 25 December 2026 is a Friday → Monday 28.
        (D(2026, 12, 15), None, D(2026, 12, 28)),
        # 26 December 2028 is a Tuesday, a holiday in Alsace-Moselle only.
        (D(2028, 12, 16), None, D(2028, 12, 26)),
        (D(2028, 12, 16), "68", D(2028, 12, 27)),
    ],
)
def test_answer_period_runs_to_the_next_working_day(received_on, departement, due_on):
    sent_on = received_on - dt.timedelta(days=1)
    assert (
        answer_due_on(sent_on=sent_on, received_on=received_on, departement_code=departement)
        == due_on
    )


def test_offer_due_saturday_14_march_2026_does_not_lapse_on_sunday_15():
    due = answer_due_on(sent_on=D(2026, 3, 2), received_on=D(2026, 3, 4))
    assert due == D(2026, 3, 16)
    assert not offer_lapsed(due, D(2026, 3, 14))
    assert not offer_lapsed(due, D(2026, 3, 15))
    assert not offer_lapsed(due, D(2026, 3, 16))  # the due day itself is still open
    assert offer_lapsed(due, D(2026, 3, 17))


def test_without_a_recorded_receipt_the_postal_delay_counts():
    # Sent Monday 2 March 2026, 2 days of post → received 4 March → due 16 March.
    assert answer_due_on(sent_on=D(2026, 3, 2), postal_delay_days=2) == D(2026, 3, 16)
    # The default delay (3 days): received 5 March → nominal Sunday 15 → Monday 16.
    assert answer_due_on(sent_on=D(2026, 3, 2)) == D(2026, 3, 16)
    # A recorded receipt wins over the assumed one.
    assert answer_due_on(sent_on=D(2026, 3, 2), received_on=D(2026, 3, 9)) == D(2026, 3, 19)


def test_a_longer_period_may_be_set_but_never_a_shorter_one():
    assert answer_due_on(sent_on=D(2026, 3, 2), received_on=D(2026, 3, 2), period_days=15) == (
        D(2026, 3, 17)
    )
    with pytest.raises(ValueError, match="at least 10 days"):
        answer_due_on(sent_on=D(2026, 3, 2), period_days=9)


def test_receipt_cannot_precede_sending_nor_delay_be_negative():
    with pytest.raises(ValueError):
        assumed_receipt(received_on=D(2026, 3, 1), sent_on=D(2026, 3, 2), postal_delay_days=3)
    with pytest.raises(ValueError):
        assumed_receipt(received_on=None, sent_on=D(2026, 3, 2), postal_delay_days=-1)


def test_working_days():
    assert is_working_day(D(2026, 3, 13))  # Friday
    assert not is_working_day(D(2026, 3, 14))  # Saturday
    assert not is_working_day(D(2026, 3, 15))  # Sunday
    assert not is_working_day(D(2026, 5, 14))  # Ascension Thursday
    assert next_working_day(D(2026, 5, 14)) == D(2026, 5, 15)
    assert next_working_day(D(2026, 11, 11)) == D(2026, 11, 12)  # Armistice, Wednesday


@pytest.mark.parametrize(
    ("opens_at", "closes_at"),
    [
        # Clocks go forward on Sunday 28 March 2027 at 02:00: 24 h later is 11:00, not 10:00.
        (dt.datetime(2027, 3, 27, 10, tzinfo=PARIS), dt.datetime(2027, 3, 28, 11, tzinfo=PARIS)),
        # Clocks go back on Sunday 31 October 2027 at 03:00: 24 h later is 08:00, not 09:00.
        (dt.datetime(2027, 10, 30, 9, tzinfo=PARIS), dt.datetime(2027, 10, 31, 8, tzinfo=PARIS)),
        # No change in between: same wall time the next day.
        (dt.datetime(2027, 6, 1, 10, tzinfo=PARIS), dt.datetime(2027, 6, 2, 10, tzinfo=PARIS)),
    ],
)
def test_a_24_hour_session_lasts_24_elapsed_hours(opens_at, closes_at):
    end = elapsed_end(opens_at, 24)
    assert end == closes_at
    assert (end.astimezone(dt.UTC) - opens_at.astimezone(dt.UTC)) == dt.timedelta(hours=24)
    assert end.replace(tzinfo=None) == closes_at.replace(tzinfo=None)  # wall clock shown


def test_elapsed_end_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        elapsed_end(dt.datetime(2027, 3, 27, 10), 24)
