"""Audit actions of the core app (organisations, crisis mode, agencies, members, the trail)."""

from django.utils.translation import gettext_lazy as _

from .audit_trail.registry import Detail, action, object_link, shared_details
from .outbox.purposes import PURPOSES

shared_details(
    rows=_("rows"),
    file=_("file"),
    created=_("created"),
    updated=_("updated"),
    deleted=_("deleted"),
    changed=_("changed"),
    note=_("note"),
    # Counts of imports, exports and the demo seed.
    agencies=_("agencies"),
    residences=_("residences"),
    buildings=_("buildings"),
    dwellings=_("dwellings"),
    households=_("households"),
    occupants=_("occupants"),
    leases=_("leases"),
    applications=_("applications"),
    residence=_("residences"),
    building=_("buildings"),
    dwelling=_("dwellings"),
    household=_("households"),
    occupant=_("occupants"),
    lease=_("leases"),
    agency=_("agencies"),
    crisisnotice=_("crisis notices"),
)

action("organisation.created", _("Organisation created"))
action("organisation.settings_changed", _("Organisation settings changed"))
action("crisis.mode_changed", _("Mode of the organisation changed"))
action("agency.status_changed", _("Agency status changed"))
action("agency.closure_override_changed", _("Agency opened or closed during the closure"))
action("crisis.notice_updated", _("Public crisis notice changed"))
action("membership.granted", _("Access given"), user=_("account"), role=_("role"))
action("membership.changed", _("Access changed"), user=_("account"), role=_("role"))
action("membership.ended", _("Access ended"), user=_("account"), role=_("role"))
action("api_key.created", _("API key created"))
action("api_key.revoked", _("API key revoked"))
action("audit.exported", _("Audit trail exported"), criteria=_("filters"))
action("audit.chain_opened", _("Audit trail opened"))
action("admin.created", _("Added in the administration"), fields=_("fields"))
action("admin.changed", _("Changed in the administration"), fields=_("fields"))
action("admin.deleted", _("Deleted in the administration"))
# The purpose's code is kept in ``reason`` (``purpose`` would show the model field, the raw
# code); its label comes from the purposes the capabilities register.
action(
    "outbox.message_queued", _("Message to a tenant queued"), reason=Detail(_("purpose"), PURPOSES)
)
action("outbox.message_failed", _("Message to a tenant failed"))
action("outbox.message_retried", _("Failed message sent again"))
action(
    "outbox.batch_queued",
    _("Messages to tenants queued together"),
    reason=Detail(_("purpose"), PURPOSES),
    batch=_("batch"),
    count=_("messages"),
)
action("outbox.message_bounced", _("Message to a tenant bounced"))
action(
    "outbox.opted_out",
    _("Household unsubscribed from information messages"),
    source=Detail(_("source"), {"link": _("unsubscribe link"), "staff": _("recorded by staff")}),
)
action("outbox.opt_in", _("Household subscribed to information messages again"))

object_link("core.agency", "core:agency_edit", "agency.edit")
