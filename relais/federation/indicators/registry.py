"""The registry of weekly indicators: what the federation reads from every member.

Each capability registers its indicators (``register``) with a set-based compute that reads
ALL members at once (one grouped query, never one per member)::

    compute(organisation_ids: list[int], week: Week) -> {organisation_id: Figure}

and, per capability, ``in_use(organisation_ids) -> set[int]``: the members that use it. A
member that does not use a capability gets no row ("not in use"), never a 0. Only numbers
leave the member: a ``Figure`` is a value and the count of people or homes it rests on.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Figure:
    """``value`` in the indicator's unit; ``base``: how many people, homes, calls or
    passages it counts (what small-count suppression looks at), None when unknown."""

    value: float
    base: int | None = None


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday, Europe/Paris."""

    start: dt.date  # the Monday

    @classmethod
    def of(cls, day: dt.date) -> "Week":
        return cls(day - dt.timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, text: str) -> "Week":
        """« 2026-W48 » (ISO week) or a date of the week (« 2026-11-23 »); ValueError else."""
        text = (text or "").strip()
        if "W" in text.upper():
            year, _sep, number = text.upper().partition("-W")
            return cls(dt.date.fromisocalendar(int(year), int(number), 1))
        return cls.of(dt.date.fromisoformat(text))

    @property
    def end(self) -> dt.date:
        """The next Monday (exclusive)."""
        return self.start + dt.timedelta(days=7)

    @property
    def last_day(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def code(self) -> str:
        """« 2026-W48 »: the stable name of the week in URLs and exports."""
        year, number, _day = self.start.isocalendar()
        return f"{year}-W{number:02d}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[Monday 00:00, next Monday 00:00) as aware Europe/Paris datetimes."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time(), tzinfo=zone)
        return start, dt.datetime.combine(self.end, dt.time(), tzinfo=zone)

    def previous(self, count: int = 1) -> "Week":
        return Week(self.start - dt.timedelta(days=7 * count))

    def __str__(self) -> str:
        return self.code


UNITS = ("count", "percent", "days", "cents")
# How the region's figure is made from the members': a sum, a mean weighted by each member's
# base (rates), or the median (days of cover).
AGGREGATES = ("sum", "weighted", "median")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object  # lazy translation
    unit: str
    capability: str
    compute: Callable
    aggregate: str = "sum"
    # Counts people or homes: small counts are suppressed outside the member.
    personal: bool = False
    order: int = 0


@dataclass(frozen=True)
class Capability:
    key: str
    label: object
    in_use: Callable  # (organisation_ids) -> set of ids
    # (organisation_ids, since: datetime) -> {(organisation_id, week start)} whose rows changed
    changed: Callable | None = None
    # For append-only tables without a change timestamp (stock movements): watermark() -> the
    # highest row id now, stored on the run; changed_after(organisation_ids, mark) ->
    # {(organisation_id, week start)} the rows added since touch.
    watermark: Callable | None = None
    changed_after: Callable | None = None


INDICATORS: dict[str, Indicator] = {}
CAPABILITIES: dict[str, Capability] = {}


def register_capability(
    key: str, label, *, in_use, changed=None, watermark=None, changed_after=None
) -> None:
    CAPABILITIES[key] = Capability(key, label, in_use, changed, watermark, changed_after)


def register(key: str, label, *, unit: str, capability: str, compute, **options) -> None:
    """Register (or replace, when a module is reloaded) the indicator ``key``."""
    assert unit in UNITS, unit
    assert options.get("aggregate", "sum") in AGGREGATES
    INDICATORS[key] = Indicator(key, label, unit, capability, compute, **options)


def indicators() -> list[Indicator]:
    return sorted(INDICATORS.values(), key=lambda i: (i.order, i.key))


def get(key: str) -> Indicator | None:
    return INDICATORS.get(key)
