"""The member's own figures: a form (one week, a field per indicator) and a CSV upload.

CSV columns: ``week`` (« 2026-W48 » or a date of the week), ``indicator`` (its key, see
``docs/federation/``), ``value`` (a number in the indicator's unit: per cent 0–100, days,
cents, a count) and optionally ``base`` (how many people or homes it rests on). Any bad row
refuses the whole file, with every error naming its row and field.
"""

import csv
import io
import math
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.formats.forms import FrenchDecimalField
from relais.formats.numbers import NumberError, french_decimal

from . import registry
from .registry import Week

MAX_CSV_BYTES = 512 * 1024
MAX_ROWS = 2000
COLUMNS = ("week", "indicator", "value")


def check_value(indicator, value: float) -> str | None:
    """The error for ``value`` of ``indicator`` (None when it is fine)."""
    if math.isnan(value) or math.isinf(value) or value < 0:
        return _("must be a positive number")
    if indicator.unit == "percent" and value > 100:
        return _("a percentage is at most 100")
    if indicator.unit in ("count", "cents") and value != int(value):
        return _("must be a whole number")
    return None


def _number(text: str) -> float:
    """A French number (« 92,5 », « 1 234 »), by the imports' one rule (Babel, fr_FR); raises
    ValueError."""
    try:
        return float(french_decimal(text))
    except NumberError as error:
        raise ValueError(text) from error


# What the form's field for each unit asks for: money in euros (stored in cents).
FORM_UNITS = {
    "percent": gettext_lazy("%"),
    "days": gettext_lazy("days"),
    "cents": gettext_lazy("€"),
    "count": gettext_lazy("how many"),
}


def week_choices(today=None, count=8) -> list[tuple[str, str]]:
    current = Week.of(today or timezone.localdate())
    weeks = [current.previous(n) for n in range(count)]
    return [(w.code, _("Week of %(day)s") % {"day": w.start.strftime("%d/%m/%Y")}) for w in weeks]


class FiguresForm(forms.Form):
    """One optional field per indicator for the chosen week."""

    week = forms.ChoiceField(label=gettext_lazy("Week"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = week_choices()
        for indicator in registry.indicators():
            # A text field read the French way (« 92,5 »): a number input would drop the comma.
            self.fields[indicator.key] = FrenchDecimalField(
                label=f"{indicator.label} ({FORM_UNITS[indicator.unit]})",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2 if indicator.unit == "cents" else 1,
            )

    def clean(self):
        data = super().clean()
        figures = {}
        week = Week.parse(data.get("week") or Week.of(timezone.localdate()).code)
        for indicator in registry.indicators():
            value = data.get(indicator.key)
            if value is None:
                continue
            if indicator.unit == "cents":
                value = value * Decimal(100)  # typed in euros
            error = check_value(indicator, float(value))
            if error:
                self.add_error(indicator.key, error)
                continue
            base = int(value) if indicator.unit == "count" else None
            figures[(week.start, indicator.key)] = (float(value), base)
        if not figures and not self.errors:
            raise forms.ValidationError(_("Fill in at least one figure."))
        self.figures = figures
        return data


class CsvForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from error
        self.figures, errors = parse_csv(text)
        if errors:
            raise forms.ValidationError(errors)
        return upload


def parse_csv(text: str) -> tuple[dict, list[str]]:
    """(figures ``{(week start, key): (value, base)}``, errors naming row and field)."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return {}, [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]
    reader.fieldnames = header
    figures, errors = {}, []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            errors.append(_("More than %(max)d rows.") % {"max": MAX_ROWS})
            break
        if None in row:  # more cells than columns: « 92,5 » unquoted in a comma-separated file
            errors.append(
                _("Row %(row)d: %(found)d cells for %(columns)d columns (a decimal comma in a "
                  "comma-separated file must be quoted, or use « ; »).")
                % {"row": number, "found": len(header) + len(row[None]), "columns": len(header)}
            )  # fmt: skip
            continue
        figure, row_errors = _row(row)
        errors += [
            _("Row %(row)d, %(field)s: %(error)s") % {"row": number, "field": f, "error": e}
            for f, e in row_errors
        ]
        if figure is not None:
            key, value = figure
            if key in figures:
                errors.append(
                    _("Row %(row)d, indicator: already given for this week.") % {"row": number}
                )
            figures[key] = value
    if not figures and not errors:
        errors.append(_("The file has no figures."))
    return figures, errors


def _row(row) -> tuple[tuple | None, list[tuple[str, str]]]:
    errors = []
    try:
        week = Week.parse(row.get("week") or "")
    except ValueError:
        errors.append(("week", _("not a week (2026-W48) nor a date (2026-11-23)")))
        week = None
    indicator = registry.get((row.get("indicator") or "").strip())
    if indicator is None:
        errors.append(("indicator", _("unknown indicator")))
    value = base = None
    try:
        value = _number(row.get("value") or "")
    except ValueError:
        errors.append(("value", _("not a number")))
    if value is not None and indicator is not None:
        error = check_value(indicator, value)
        if error:
            errors.append(("value", error))
    if (row.get("base") or "").strip():
        try:
            base = int(_number(row["base"]))
        except ValueError:
            errors.append(("base", _("not a whole number")))
    elif indicator is not None and indicator.unit == "count" and value is not None:
        base = int(value)
    if errors:
        return None, errors
    return ((week.start, indicator.key), (value, base)), []
