"""``{% csrf_token %}`` that also says which organisation the form was opened in.

Loaded as a template builtin after Django's own (``settings.TEMPLATES``), so every form of
Relais, allauth and the admin that writes ``{% csrf_token %}`` carries the current organisation
in a hidden field without each template having to remember it; ``FormOrganisationMiddleware``
refuses a submission whose organisation is no longer the current one. See ADR 0021.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from relais.core.form_organisation import FIELD

register = template.Library()


class OrganisationCsrfTokenNode(CsrfTokenNode):
    def render(self, context):
        html = super().render(context)
        request = context.get("request")
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            return html
        hidden = format_html('<input type="hidden" name="{}" value="{}">', FIELD, organisation.pk)
        return html + hidden


@register.tag
def csrf_token(parser, token):
    return OrganisationCsrfTokenNode()
