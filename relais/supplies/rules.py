"""Pure rules of the supplies capability: pro-rata allocation and days of cover.

No Django request or query here, so each rule is tested with a table of cases.
"""

from collections.abc import Hashable, Mapping
from decimal import ROUND_FLOOR, Decimal


def allocate_pro_rata(delivered: int, needs: Mapping[Hashable, int]) -> dict[Hashable, int]:
    """Share ``delivered`` whole units among ``needs`` ({member: units asked}).

    When the delivery covers every need, each member gets what it asked (a surplus stays with
    the federation). When it is short, each member gets its quota ``delivered × need / total``
    rounded down, and the units left over go one each to the largest remainders (Hamilton's
    largest remainder method); ties go to the larger need, then to the member that sorts first.
    The shares add up to ``delivered`` exactly and nobody gets more than it asked.

    >>> allocate_pro_rata(10, {"a": 10, "b": 5})
    {'a': 7, 'b': 3}
    """
    if delivered < 0 or any(need < 0 for need in needs.values()):
        raise ValueError("quantities are whole units, never negative")
    total = sum(needs.values())
    if delivered >= total:
        return dict(needs)
    shares = {member: delivered * need // total for member, need in needs.items()}
    left = delivered - sum(shares.values())
    # Integer remainders (delivered × need mod total): exact, no float ties.
    order = sorted(
        needs,
        key=lambda member: (-(delivered * needs[member] % total), -needs[member], str(member)),
    )
    for member in order[:left]:
        shares[member] += 1
    return shares


def daily_use(headcount: Mapping[str, int], rates: Mapping[str, Decimal]) -> Decimal:
    """Units used per day at a location: Σ people on site of a role × units per person per
    shift of that role (one shift a day per person)."""
    return sum(
        (Decimal(people) * rates.get(role, Decimal(0)) for role, people in headcount.items()),
        Decimal(0),
    )


def days_of_cover(stock: int, per_day: Decimal) -> int | None:
    """Whole days the stock lasts at ``per_day`` units a day (rounded down); None when nothing
    is used there (the cover is unlimited, no alert)."""
    if per_day <= 0:
        return None
    return int((Decimal(max(stock, 0)) / per_day).to_integral_value(rounding=ROUND_FLOOR))


def below_threshold(cover: int | None, threshold_days: int) -> bool:
    """True when the cover is known and shorter than the location's alert threshold."""
    return cover is not None and cover < threshold_days


def whole_days(stock: int, use_hundredths: int) -> int | None:
    """``days_of_cover`` with the daily use in hundredths of a unit (rates have two decimals):
    exact integer arithmetic, the form the database computes (``stock.tallies``)."""
    if use_hundredths <= 0:
        return None
    return max(stock, 0) * 100 // use_hundredths
