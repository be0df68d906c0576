"""Server-side SVG of the coverage over time (no script: CSP); the page gives the figures in
a table too. Colours are SVG presentation attributes (not inline styles).

Geometry in SVG user units: the plot sits right of the y axis' labels (``LEFT``) and above
the x axis' dates (``BOTTOM``); gridlines at 0, 50 and 100 %, a date from the first bar
and every seventh one after it (a week), and the last day's at the right end, so 28 days
read at a glance at 390 px too.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH, HEIGHT, GAP = 400, 180, 1
# LEFT holds « 100 % » right-aligned 4 units before the axis (about 36 units at FONT 13)
# with room to spare; TOP half the font above the 100 % gridline's label.
LEFT, RIGHT, TOP, BOTTOM = 52, 4, 10, 22
FILL, AXIS, GRID = "#1f5f8b", "#495057", "#ced4da"
TICKS = (0, 50, 100)
# A day at 0 % still shows a sliver of bar: a campaign ran and nobody was reached in time,
# unlike a day with no campaign (no bar at all).
ZERO_BAR = 2
DATE_EVERY = 7


FONT = 13  # user units: about 12 px on a 390 px phone, the page keeps the chart ≤ 540 px


def _y(share: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot - plot * share / 100


def _axes(by_day: list, bar: float) -> str:
    ticks = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
        '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}">{} %</text>',
        (
            (LEFT, f"{_y(t):.1f}", WIDTH - RIGHT, f"{_y(t):.1f}", GRID if t else AXIS,
             LEFT - 4, f"{_y(t) + 4:.1f}", FONT, AXIS, t)
            for t in TICKS
        ),
    )  # fmt: skip
    dates = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}">{}</text>',
        (
            (
                f"{LEFT + i * bar + (bar if last else 0):.1f}",
                HEIGHT - 5,
                "end" if last else "start",
                FONT,
                AXIS,
                day.strftime("%d/%m"),
            )
            for i, (day, _share) in enumerate(by_day)
            for last in [i == len(by_day) - 1]
            if i % DATE_EVERY == 0 and i < len(by_day) - 3 or last
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
    """Bars of ``[(day, percent or None)]``, 0–100 %, one per day, oldest on the left, with a
    y axis in per cent and the dates under the bars; no bar on a day with None (no campaign
    ran: the page's table says so)."""
    if not by_day:
        return ""
    bar = (WIDTH - LEFT - RIGHT) / len(by_day)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} : {} %</title></rect>',
        (
            (
                f"{LEFT + i * bar:.1f}",
                f"{min(_y(share), _y(0) - ZERO_BAR):.1f}",
                f"{max(bar - GAP, 1):.1f}",
                f"{max(_y(0) - _y(share), ZERO_BAR):.1f}",
                FILL,
                day.strftime("%d/%m"),
                share,
            )
            for i, (day, share) in enumerate(by_day)
            if share is not None
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
