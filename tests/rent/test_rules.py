"""Pure rules: pro rata, arrears definitions, plan progress, truce, CCAPEX delay."""

import datetime as dt

import pytest

from relais.rent import rules

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2020, 1, 1), None, 30),
        (D(2026, 11, 16), None, 15),  # moved in on the 16th: 16 → 30
        (D(2019, 1, 1), D(2026, 11, 10), 10),
        (D(2026, 11, 5), D(2026, 11, 5), 1),
        (D(2026, 12, 1), None, 0),
        (D(2019, 1, 1), D(2026, 10, 31), 0),
    ],
)
def test_days_occupied_in_november(start, end, days):
    assert rules.days_occupied(D(2026, 11, 1), start, end) == days


def test_pro_rata_rounds_half_up_in_cents():
    assert rules.pro_rata(45_000, 15, 30) == 22_500
    assert rules.pro_rata(10_001, 1, 2) == 5_001  # 5 000,5 → 5 001
    assert rules.pro_rata(100, 1, 31) == 3  # 3,2 → 3


def test_call_amounts_net_of_benefit_and_rls_never_negative():
    full = rules.call_amounts(
        D(2026, 2, 1), D(2020, 1, 1), None, rent=45_000, charges=8_000, benefit=20_000, rls=3_000
    )
    assert (full.days, full.month_days, full.amount_cents) == (28, 28, 30_000)
    covered = rules.call_amounts(
        D(2026, 2, 1), D(2020, 1, 1), None, rent=10_000, charges=0, benefit=20_000
    )
    assert covered.amount_cents == 0


def _calls(paid, benefit=20_000):
    return [
        rules.CallState(D(2026, m, 1), 33_000, p, 53_000, benefit)
        for m, p in enumerate(paid, start=1)
    ]


@pytest.mark.parametrize(
    ("paid", "benefit", "expected"),
    [
        ([33_000, 0, 0], 20_000, False),  # two unpaid, benefit paid to the landlord: not yet
        ([0, 0, 0], 20_000, True),  # three consecutive net instalments unpaid
        ([33_000, 0, 33_000, 0], 20_000, False),
        ([0, 0], 0, True),  # without benefit: two months unpaid
        ([0, 10_000], 0, False),
        ([33_000, 33_000], 0, False),
    ],
)
def test_arrears_definitions(paid, benefit, expected):
    assert rules.in_arrears(_calls(paid, benefit)) is expected


def test_arrears_by_sum_of_two_gross_rents_with_benefit():
    calls = [rules.CallState(D(2026, 1, 1), 120_000, 14_000, 53_000, 20_000)]
    assert rules.in_arrears(calls)  # 106 000 owed = 2 × 53 000 gross


def test_plan_progress_and_missed_instalments():
    states = rules.plan_progress([(D(2026, 1, 5), 10_000), (D(2026, 2, 5), 10_000)], 12_000)
    assert [s.covered_cents for s in states] == [10_000, 2_000]
    assert [s.due_on for s in rules.missed(states, D(2026, 2, 11))] == [D(2026, 2, 5)]
    assert rules.missed(states, D(2026, 2, 10)) == []  # within the 5 days' grace


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 11, 1), True),
        (D(2027, 3, 31), True),
        (D(2027, 4, 1), False),
        (D(2026, 10, 31), False),
        (D(2027, 1, 15), True),
    ],
)
def test_winter_truce_spans_the_new_year(day, expected):
    assert rules.in_truce(day, (11, 1), (3, 31)) is expected


def test_court_two_months_after_ccapex():
    assert rules.court_allowed_from(D(2026, 12, 31)) == D(2027, 2, 28)
    assert rules.court_allowed_from(None) is None
