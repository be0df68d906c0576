"""What messaging adds to core's registries from ``MessagingConfig.ready()``: the menu entry,
the outbox purposes, the public messages' link in the crisis notice and the line on
``/crise/``."""

from django.utils.translation import gettext_lazy as _

from relais.core import crisis, navigation
from relais.core.outbox import register_purpose


def register() -> None:
    navigation.register_item(
        "crisis", _("Broadcasts"), "messaging:broadcast_list", ability="broadcast.view", order=30
    )
    register_purpose("messaging.information", _("Information broadcast"))
    register_purpose("messaging.safety", _("Safety broadcast"))
    crisis.register_public_link("messaging:public_messages", _("Latest messages to tenants"))
    crisis.register_effect(
        crisis.MODE,
        _(
            "The messages marked public are listed on the crisis notice and on its poster; "
            "e-mails and text messages link to the notice."
        ),
        capability="messaging",
    )
