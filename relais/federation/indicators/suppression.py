"""Small-count suppression: the one rule for everything shown outside the member (dashboard,
bulletin, CSV and JSON exports, API).

A figure that counts people or homes (``Indicator.personal``) and rests on 1 to 4 of them is
not shown: with so few, a reader who knows the place could tell who they are (the usual
statistical-secrecy threshold of the national statistics institute's releases). Zero is shown:
it tells about nobody.
"""

from .registry import Indicator

THRESHOLD = 5


def is_suppressed(indicator: Indicator, value: float | None, base: int | None) -> bool:
    if not indicator.personal or value is None:
        return False
    count = base if base is not None else (value if indicator.unit == "count" else None)
    return count is not None and 0 < count < THRESHOLD


def disclose(indicator: Indicator, value: float | None, base: int | None) -> float | None:
    """``value`` as it may be shown outside the member: None when suppressed."""
    return None if is_suppressed(indicator, value, base) else value
