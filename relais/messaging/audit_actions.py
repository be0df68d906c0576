"""Audit actions of broadcasts."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action, object_link

action("broadcast.created", _("Broadcast drafted"), recipients=_("recipients"))
action("broadcast.changed", _("Broadcast draft changed"), fields=_("fields"))
action("broadcast.awaiting_approval", _("Broadcast put to approval"))
action("broadcast.sending", _("Broadcast sent"))
action("broadcast.cancelled", _("Broadcast cancelled"))
action(
    "broadcast.dispatched",
    _("Broadcast's messages queued"),
    email=_("e-mails"),
    sms=_("text messages"),
    letter=_("letters"),
    opted_out=_("unsubscribed households left out"),
)
action("broadcast.letters_printed", _("Broadcast's letters printed"), pages=_("pages"))
action("broadcast.letters_downloaded", _("Broadcast's letters downloaded"))

object_link("messaging.broadcast", "messaging:broadcast_detail", "broadcast.view")
