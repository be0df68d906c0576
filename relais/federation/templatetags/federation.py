from django import template

from ..indicators.display import figure_text

register = template.Library()


@register.simple_tag
def figure(indicator, value) -> str:
    """``value`` of ``indicator`` as people read it (its unit)."""
    return figure_text(indicator.unit, value)
