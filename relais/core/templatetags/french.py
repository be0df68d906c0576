"""French writing filters, available in every template (``TEMPLATES`` builtins):
``{{ day|long_date:"l j F Y" }}`` (« mardi 1er décembre 2026 ») and
``{{ name|of_name }}`` (« d’Action Logement Services »). See ``relais.formats``."""

from django import template

from relais import formats

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value, format_name="DATE_FORMAT") -> str:
    return formats.long_date(value, format_name)


@register.filter
def of_name(value, english="of") -> str:
    return formats.of_name(value, english)
