"""Server-side SVG of the coverage over time (no script: CSP); the page gives the figures in
a table too. Colours are SVG presentation attributes (not inline styles).

Geometry in SVG user units: the plot sits right of the y axis' labels (``LEFT``) and above
the x axis' dates (``BOTTOM``); gridlines at 0, 50 and 100 %, a date under the first bar
and every seventh one after it (a week), so 28 days read at a glance at 390 px too.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH, HEIGHT, GAP = 560, 200, 2
LEFT, TOP, BOTTOM = 44, 8, 24
FILL, AXIS, GRID = "#1f5f8b", "#495057", "#ced4da"
TICKS = (0, 50, 100)
DATE_EVERY = 7


def _y(share: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot - plot * share / 100


def _axes(by_day: list, bar: float) -> str:
    ticks = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{} %</text>',
        (
            (LEFT, f"{_y(t):.1f}", WIDTH, f"{_y(t):.1f}", GRID if t else AXIS,
             LEFT - 6, f"{_y(t) + 4:.1f}", AXIS, t)
            for t in TICKS
        ),
    )  # fmt: skip
    dates = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
        (
            (f"{LEFT + i * bar + bar / 2:.1f}", HEIGHT - 6, AXIS, day.strftime("%d/%m"))
            for i, (day, _share) in enumerate(by_day)
            if i % DATE_EVERY == 0 or i == len(by_day) - 1
        ),
    )
    return format_html(
        '{}<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>{}',
        ticks,
        LEFT,
        TOP,
        LEFT,
        f"{_y(0):.1f}",
        AXIS,
        dates,
    )


def coverage_svg(by_day: list) -> str:
    """Bars of ``[(day, percent)]``, 0–100 %, one per day, oldest on the left, with a y axis
    in per cent and the dates under the bars."""
    if not by_day:
        return ""
    bar = (WIDTH - LEFT) / len(by_day)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} : {} %</title></rect>',
        (
            (
                f"{LEFT + i * bar:.1f}",
                f"{_y(share):.1f}",
                f"{max(bar - GAP, 1):.1f}",
                f"{_y(0) - _y(share):.1f}",
                FILL,
                day.strftime("%d/%m"),
                share,
            )
            for i, (day, share) in enumerate(by_day)
        ),
    )
    return format_html(
        '<svg class="w-100" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}</svg>',
        WIDTH,
        HEIGHT,
        _("Share of the followed people reached within their cadence, day by day (%)"),
        _axes(by_day, bar),
        bars,
    )
