"""Pure rules: pro-rata allocation (largest remainder) and days of cover."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.supplies.rules import allocate_pro_rata, daily_use, days_of_cover

CASES = [
    # delivered, needs, expected shares
    (10, {"a": 10, "b": 5}, {"a": 7, "b": 3}),  # 6.67 / 3.33
    (100, {"a": 60, "b": 90}, {"a": 40, "b": 60}),  # exact
    (7, {"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 1}),  # delivery covers the needs
    (2, {"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 0}),  # tie: the member sorting first
    (5, {"a": 3, "b": 3, "c": 3}, {"a": 2, "b": 2, "c": 1}),
    (10, {"a": 1, "b": 2, "c": 7}, {"a": 1, "b": 2, "c": 7}),
    (9, {"a": 1, "b": 2, "c": 7}, {"a": 1, "b": 2, "c": 6}),  # .9 1.8 6.3 → remainders .9 .8
    (0, {"a": 5, "b": 5}, {"a": 0, "b": 0}),
    (3, {"a": 0, "b": 4}, {"a": 0, "b": 3}),
    (60000, {"tours": 100000, "scalis": 50000}, {"tours": 40000, "scalis": 20000}),
    (11, {"small": 1, "big": 20}, {"small": 1, "big": 10}),  # 0.52 / 10.48
    (4, {"x": 2, "y": 2, "z": 1}, {"x": 2, "y": 1, "z": 1}),  # 1.6 1.6 .8: .8 then larger need
    (1, {}, {}),
]


@pytest.mark.parametrize(("delivered", "needs", "expected"), CASES)
def test_allocation_table(delivered, needs, expected):
    assert allocate_pro_rata(delivered, needs) == expected


@given(
    st.integers(min_value=0, max_value=10**6),
    st.dictionaries(st.text(max_size=3), st.integers(min_value=0, max_value=10**5), max_size=8),
)
def test_shares_are_whole_add_up_and_never_exceed_a_need(delivered, needs):
    shares = allocate_pro_rata(delivered, needs)
    assert set(shares) == set(needs)
    assert all(isinstance(units, int) and units >= 0 for units in shares.values())
    assert sum(shares.values()) == min(delivered, sum(needs.values()))
    assert all(shares[m] <= needs[m] for m in needs)
    total = sum(needs.values())
    if delivered < total:
        # Each share is its exact quota rounded down or up (Hamilton's method).
        for m in needs:
            assert abs(shares[m] * total - delivered * needs[m]) < total


def test_negative_quantities_are_refused():
    with pytest.raises(ValueError):
        allocate_pro_rata(-1, {"a": 1})
    with pytest.raises(ValueError):
        allocate_pro_rata(1, {"a": -1})


@pytest.mark.parametrize(
    ("stock", "per_day", "days"),
    [
        (100, Decimal(4), 25),
        (99, Decimal(4), 24),
        (0, Decimal(4), 0),
        (5, Decimal(0), None),
        (10, Decimal("0.1"), 100),
        (-3, Decimal(1), 0),
    ],
)
def test_days_of_cover(stock, per_day, days):
    assert days_of_cover(stock, per_day) == days


def test_daily_use_sums_people_times_rates():
    rates = {"caretaker": Decimal(2), "technician": Decimal("0.5")}
    assert daily_use({"caretaker": 3, "technician": 2, "manager": 1}, rates) == Decimal(7)
