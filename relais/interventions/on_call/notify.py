"""Messages to the person on call, through the outbox of ``relais.core`` (SMS).

``queue_message`` is the one place that calls ``relais.core.outbox.queue_message``; the import
is made inside the function, and tests replace it here.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

PURPOSE = "on_call_alert"
ACK_SALT = "relais.interventions.on_call.ack"


def queue_message(**kwargs):
    """``relais.core.outbox.queue_message`` (imported on call; see the module docstring)."""
    from relais.core.outbox import queue_message as outbox_queue

    return outbox_queue(**kwargs)


def ack_token(alert_id: int) -> str:
    """A signed, timestamped value naming the alert (``signing.loads`` with ``max_age``)."""
    return signing.dumps(alert_id, salt=ACK_SALT, compress=True)


def ack_url(alert_id: int) -> str:
    path = reverse("interventions:on_call_ack", kwargs={"token": ack_token(alert_id)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def alert(alert) -> None:
    """SMS the shift's phone: the request, where, and the link to acknowledge."""
    request = alert.request
    with translation.override("fr"):
        body = _(
            "%(organisation)s on call: %(priority)s request %(number)s (%(category)s). "
            "Acknowledge: %(url)s"
        ) % {
            "organisation": alert.organisation.name,
            "priority": str(request.get_priority_display()).lower(),
            "number": request.tracking_number,
            "category": request.category.name,
            "url": ack_url(alert.pk),
        }
    queue_message(
        organisation=alert.organisation,
        channel="sms",
        to=alert.shift.phone,
        subject="",
        body=body,
        purpose=PURPOSE,
        dedupe_key=f"on-call-alert-{alert.pk}",
    )
