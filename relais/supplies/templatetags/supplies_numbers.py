"""Days of cover on the supplies pages: ``{{ days|days_of_cover }}`` (« 3 010 jours », « 0 jour »:
French takes the singular for 0 and 1). Quantities use the shared ``quantity`` filter of the
``relais`` library (``relais.formats.quantity``)."""

from django import template
from django.utils.translation import ngettext

from relais import formats

register = template.Library()


@register.filter
def days_of_cover(days) -> str:
    """« 1 jour », « 3 010 jours » (the same messages as the former ``blocktranslate``)."""
    return ngettext("%(days)s day", "%(days)s days", int(days)) % {"days": formats.quantity(days)}
