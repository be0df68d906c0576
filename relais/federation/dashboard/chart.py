"""The dashboard's 12-week chart: server-side SVG columns, one per week, pure geometry.

Each column carries its week label (« S45 ») and its value written in French (« 94,8 % »),
so two close values stay told apart; a week without a figure shows « — » instead of a blank.
The vertical scale starts at 0: 0–100 % for percentages, otherwise 0 to a round ceiling
above the largest value (1, 2 or 5 × 10ⁿ), so one week of data does not fill the chart.
Units: pixels of the SVG's ``viewBox``.
"""

import math
from dataclasses import dataclass

from django.utils.formats import number_format

from ..indicators.display import figure_text

WIDTH = 720
HEIGHT = 240
TOP = 24  # room for the value written above the tallest column
BOTTOM = 28  # room for the week labels
LEFT = 48  # room for the scale's labels
PLOT = HEIGHT - TOP - BOTTOM
MISSING = "—"


@dataclass(frozen=True)
class Column:
    week: str  # « S45 »
    day: str  # the Monday, « 03/11 »
    text: str  # the value as people read it, or « — »
    missing: bool
    x: float  # left of the column
    y: float  # top of the column (the baseline when missing)
    height: float
    label_x: float  # centre of the column, for its texts


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


def round_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ that is ≥ ``value`` (1 for 0 or less)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _scale_top(unit: str, values: list[float]) -> float:
    if unit == "percent":
        return 100
    return round_ceiling(max(values, default=0))


def _tick_text(unit: str, value: float) -> str:
    if unit == "percent":
        return f"{number_format(value, decimal_pos=0)}\u00a0%"
    if unit == "cents":
        return f"{number_format(value / 100, decimal_pos=0, force_grouping=True)}\u00a0€"
    return number_format(value, decimal_pos=0 if value == int(value) else 1, force_grouping=True)


def weekly_chart(unit: str, points) -> dict | None:
    """``points``: [(Week, value or None)] oldest first → {"columns", "ticks", "width",
    "height", "baseline", "left"} for the template; None when no week has a figure."""
    values = [value for _week, value in points if value is not None]
    if not values:
        return None
    top = _scale_top(unit, values)
    step = (WIDTH - LEFT) / max(len(points), 1)
    baseline = TOP + PLOT
    columns = []
    for index, (week, value) in enumerate(points):
        x = LEFT + index * step
        height = 0 if value is None else PLOT * min(max(value, 0), top) / top
        columns.append(
            Column(
                week=f"S{week.start.isocalendar().week:02d}",
                day=week.start.strftime("%d/%m"),
                text=MISSING if value is None else figure_text(unit, value),
                missing=value is None,
                x=round(x + step * 0.15, 1),
                y=round(baseline - height, 1),
                height=round(height, 1),
                label_x=round(x + step / 2, 1),
            )
        )
    ticks = [Tick(round(baseline - PLOT * f, 1), _tick_text(unit, top * f)) for f in (0, 0.5, 1)]
    return {
        "columns": columns,
        "ticks": ticks,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": baseline,
        "left": LEFT,
        "bar_width": round(step * 0.7, 1),
    }
