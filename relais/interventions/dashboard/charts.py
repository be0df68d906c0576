"""Server-side SVG bar charts (no JavaScript, no chart library): pure geometry.

A chart is a list of bars; the template draws each as a ``<rect>`` with its label and value
written out as text too, so the figures are readable without the picture (screen readers, a
printed page). Widths are in per cent of the drawing area.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as people read it ("87 %", "12")
    width: float  # 0–100, share of the widest bar (or of ``scale``)
    tone: str = ""  # "good", "bad" or "" (neutral)
    y: int = 0  # top of the bar in the SVG, in pixels


BAR_HEIGHT = 28  # pixels per bar row (bar + gap)


def bars(rows: list[tuple[str, float, str, str]], *, scale: float | None = None) -> list[Bar]:
    """``rows`` of (label, value, text, tone) → bars; ``scale`` is the value drawn full width
    (the largest value when None; 1.0 for shares). Negative values are drawn as 0."""
    top = scale if scale is not None else max((value for _l, value, _t, _o in rows), default=0)
    return [
        Bar(label, value, text, 100 * max(value, 0) / top if top else 0, tone, index * BAR_HEIGHT)
        for index, (label, value, text, tone) in enumerate(rows)
    ]


def height(chart: list[Bar]) -> int:
    return max(len(chart), 1) * BAR_HEIGHT
