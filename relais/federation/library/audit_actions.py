"""Audit actions of the federation's library, and the outbox purpose of its announcements."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action
from relais.core.outbox.purposes import register_purpose

from . import services

action(
    "federation_template.published",
    _("Federation template published"),
    kind=_("kind"),
    version=_("version"),
)
action(
    "federation_template.adopted",
    _("Federation template adopted"),
    kind=_("kind"),
    version=_("version"),
)
action(
    "federation_template.kept",
    _("Federation template: own copy kept against a newer version"),
    kept_against=_("version compared"),
    adopted=_("version adopted"),
)
action(
    "federation_grid_copy.created",
    _("Scoring grid copied from the federation's template"),
    epci=_("EPCI"),
)
action("federation_grid_copy.changed", _("Scoring grid copy changed"), fields=_("fields"))
register_purpose(services.PURPOSE, _("Federation: new template available"))
