"""Audit actions of broadcasts."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link

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
action(
    "broadcast.sensitive_segment_used",
    _("Broadcast to a sensitive group of tenants used"),
    segments=_("groups of tenants"),
    use=Detail(
        _("use"),
        {
            "created": _("drafted"),
            "viewed": _("opened"),
            "sent": _("sent"),
            "approved": _("approved"),
            "dispatched": _("messages queued"),
            "recipients_viewed": _("recipients read"),
            "letters_downloaded": _("letters downloaded"),
        },
    ),
)

object_link("messaging.broadcast", "messaging:broadcast_detail", "broadcast.view")
