"""What messaging adds to core's registries from ``MessagingConfig.ready()``: the menu entry,
the outbox purposes, the public messages' link in the crisis notice and the line on
``/crise/``."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relais.continuity.report import register_figure
from relais.core import crisis, home, navigation
from relais.core.outbox import register_purpose
from relais.core.roles import Role

from . import selectors
from .figures import broadcasts_sent
from .models import Broadcast, BroadcastStatus


def awaiting_approval_card(ctx: home.HomeContext) -> home.Card:
    """Broadcasts waiting for a second person's approval (a count and five rows)."""
    waiting = Broadcast.objects.for_organisation(ctx.organisation).filter(
        status=BroadcastStatus.AWAITING_APPROVAL
    )
    rows = waiting.select_related("created_by").order_by("created_at", "pk")[: home.ROWS]
    return home.Card(
        key="messaging.awaiting_approval",
        title=gettext("Broadcasts to approve"),
        count=waiting.count(),
        empty=gettext("Messages to many tenants wait here for a second person's approval."),
        url=reverse("messaging:broadcast_list"),
        link_label=gettext("All broadcasts"),
        rows=[
            home.CardRow(
                broadcast.title,
                formats.date_format(
                    timezone.localtime(broadcast.created_at), "SHORT_DATETIME_FORMAT"
                ),
                url=reverse("messaging:broadcast_detail", args=[broadcast.pk]),
                tone="warning",
            )
            for broadcast in rows
        ],
    )


def register() -> None:
    from . import federation_template

    federation_template.register()
    home.register_card(
        "messaging.awaiting_approval",
        roles={Role.DIRECTOR, Role.MANAGER},
        order=12,
        build=awaiting_approval_card,
    )
    navigation.register_item(
        "crisis", _("Broadcasts"), "messaging:broadcast_list", ability="broadcast.view", order=30
    )
    register_purpose("messaging.information", _("Information broadcast"))
    register_purpose("messaging.safety", _("Safety broadcast"))
    crisis.register_public_link("messaging:public_messages", _("Latest messages to tenants"))
    crisis.register_news_source(selectors.notice_news, capability="messaging")
    crisis.register_effect(
        crisis.MODE,
        _(
            "The latest messages marked public are listed on the crisis notice (title, date and "
            "the start of the text, safety messages first) and on its poster; e-mails and text "
            "messages link to the notice."
        ),
        capability="messaging",
    )
    register_figure(
        "messaging.broadcasts",
        _("Messages sent to tenants (7 days)"),
        broadcasts_sent,
        capability="messaging",
        order=43,
    )
