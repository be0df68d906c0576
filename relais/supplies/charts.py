"""Chart rows for the supplies pages, drawn by the interventions dashboard's SVG bar charts
(``relais.interventions.dashboard.charts``: pure geometry, reused as is)."""

from django.utils import formats
from django.utils.translation import gettext as _

from relais.interventions.dashboard import charts


def cover_chart(rows, item) -> list:
    """Days of cover of ``item`` at each location (red below the location's threshold)."""
    data = []
    for row in rows:
        cell = next(c for c in row.cells if c.item.pk == item.pk)
        if cell.days is None:
            text = _("not used")
        else:
            text = _("%(days)s days") % {"days": formats.number_format(cell.days)}
        data.append((row.location.name, cell.days or 0, text, "bad" if cell.below else "good"))
    return charts.bars(data)


def weekly_chart(weeks) -> list:
    """Units issued per week (label: the Monday); empty when nothing was issued."""
    if not any(units for _monday, units in weeks):
        return []
    return charts.bars(
        [
            (
                _("week of %(day)s") % {"day": formats.date_format(monday, "SHORT_DATE_FORMAT")},
                units,
                formats.number_format(units),
                "",
            )
            for monday, units in weeks
        ]
    )


def height(chart) -> int:
    return charts.height(chart)
