"""Tags of the page frame: the page header's breadcrumbs.

``{% capture as name %}…{% endcapture %}`` renders its content (blocks inside stay
overridable by child templates) into a context variable, so ``base.html`` can hand the
``heading``, ``actions`` and ``breadcrumbs`` blocks to the one page-header component.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Already rendered (and escaped) template output, as ``{% block %}`` would print it.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: the rendered content, stripped, in ``name``."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag
def crumb(label, target, *args):
    """One breadcrumb link: ``target`` is a path (``/…``) or a URL name reversed with ``args``.

    ``{% crumb _("Households") "housing:household_list" %}``,
    ``{% crumb household.name household.get_absolute_url %}``.
    """
    url = target if str(target).startswith("/") else reverse(target, args=args)
    return format_html('<li class="breadcrumb-item"><a href="{}">{}</a></li>', url, label)
