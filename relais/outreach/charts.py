"""Server-side SVG of the coverage over time (no script: CSP); the page gives the figures in
a table too. Colours are SVG presentation attributes (not inline styles)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH, HEIGHT, GAP = 560, 160, 2
FILL = "#1f5f8b"


def coverage_svg(by_day: list) -> str:
    """Bars of ``[(day, percent)]``, 0–100 %, one per day, oldest on the left."""
    if not by_day:
        return ""
    bar = WIDTH / len(by_day)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} : {} %</title></rect>',
        (
            (
                f"{i * bar:.1f}",
                f"{HEIGHT - HEIGHT * share / 100:.1f}",
                f"{max(bar - GAP, 1):.1f}",
                f"{HEIGHT * share / 100:.1f}",
                FILL,
                day.strftime("%d/%m"),
                share,
            )
            for i, (day, share) in enumerate(by_day)
        ),
    )
    return format_html(
        '<svg class="w-100" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#6c757d"></line>{}</svg>',
        WIDTH,
        HEIGHT,
        _("Share of the followed people reached within their cadence, day by day (%)"),
        HEIGHT,
        WIDTH,
        HEIGHT,
        bars,
    )
