"""What happens after the send: delivery reports and bounces turn a ``sent`` message into
``delivered`` or ``bounced``.

Sources (docs/outbox.md):
- e-mail: delivery status notifications (RFC 3464: ``multipart/report`` with a
  ``message/delivery-status`` part) read from the bounce mailbox by ``manage.py
  outbox_bounces <maildir or mbox>``, or posted raw to the webhook
  ``/messages/rebonds/<RELAIS_BOUNCE_WEBHOOK_TOKEN>/``; the message is found by the
  ``Message-ID`` the outbox gave it (``<outbox-<organisation>-<id>@…>``);
- SMS: the provider's delivery report (``sms_twilio``), by the provider's reference.
"""

import email
import re
from email import policy

from django.db import transaction
from django.utils import timezone

from relais.core import audit

from .models import OutboxMessage, OutboxStatus

MESSAGE_ID = re.compile(r"<outbox-(\d+)-(\d+)@[^>]+>")
AFTER_SEND = (OutboxStatus.SENT, OutboxStatus.DELIVERED)


def record_delivered(message_id: int) -> bool:
    """The provider delivered the message; False when it was not ``sent`` (already reported,
    or bounced meanwhile)."""
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.SENT).update(
            status=OutboxStatus.DELIVERED, delivered_at=timezone.now()
        )
    )


def record_bounced(message_id: int, detail: str) -> bool:
    """The message came back (an address that does not exist, a full mailbox reported as
    final, an unreachable number); audited. False when it was not sent or delivered."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, status__in=AFTER_SEND)
            .select_related("organisation")
            .first()
        )
        if message is None:
            return False
        previous = message.status
        message.status = OutboxStatus.BOUNCED
        message.last_error = detail[:1000]
        message.save(update_fields=["status", "last_error"])
        audit.record(
            action="outbox.message_bounced",
            organisation=message.organisation,
            obj=message,
            changes={"status": [previous, OutboxStatus.BOUNCED]},
        )
    return True


def _original_message_id(report) -> str:
    for part in report.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            if isinstance(payload, list):
                inner = payload[0]
            else:
                inner = email.message_from_string(payload, policy=policy.compat32)
            if inner.get("Message-ID"):
                return str(inner["Message-ID"])
    return ""


def _dsn_action(report) -> tuple[str, str]:
    """(action, status) of the first recipient of a delivery-status part: ``failed``,
    ``delivered``, ``delayed``…, and the status code (``5.1.1``)."""
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            for block in part.get_payload():
                action = str(block.get("Action", "")).strip().lower()
                if action:
                    return action, str(block.get("Status", "")).strip()
    return "", ""


def process_report(raw: bytes) -> int | None:
    """Apply one delivery status notification; returns the outbox message's id it concerned
    when it changed its status, else None (not a report, not ours, a mere delay)."""
    report = email.message_from_bytes(raw, policy=policy.compat32)
    if report.get_content_type() != "multipart/report":
        return None
    found = MESSAGE_ID.search(_original_message_id(report))
    if not found:
        return None
    organisation_id, message_id = int(found[1]), int(found[2])
    if not OutboxMessage.objects.filter(pk=message_id, organisation_id=organisation_id).exists():
        return None
    action, status = _dsn_action(report)
    if action == "failed":
        return message_id if record_bounced(message_id, f"DSN {status}") else None
    if action == "delivered":
        return message_id if record_delivered(message_id) else None
    return None


def apply_sms_status(reference: str, status: str, detail: str = "") -> bool:
    """A provider's delivery report for the SMS it knows as ``reference``."""
    message_id = (
        OutboxMessage.objects.filter(provider_reference=reference)
        .values_list("pk", flat=True)
        .first()
    )
    if message_id is None or not reference:
        return False
    if status == "delivered":
        return record_delivered(message_id)
    if status in ("undelivered", "failed"):
        return record_bounced(message_id, f"SMS {status} {detail}".strip())
    return False
