"""How a figure reads, by unit: « 12 », « 87,5 % », « 12,3 jours », « 1 234,56 € »."""

from django.utils.formats import number_format
from django.utils.translation import ngettext

from relais.core.templatetags.relais import euros


def figure_text(unit: str, value) -> str:
    if value is None:
        return ""
    if unit == "cents":
        return euros(round(value))
    if unit == "percent":
        return f"{number_format(value, decimal_pos=1)}\u00a0%"
    if unit == "days":
        # French: « 0,0 jour », « 1,5 jour », « 2,0 jours » (plural from 2).
        count = 2 if value >= 2 else 1
        return ngettext("%(days)s day", "%(days)s days", count) % {
            "days": number_format(value, decimal_pos=1)
        }
    if value == int(value):
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1)
