"""Delivery of queued messages, run by the ``db_worker``s (``tasks``), never in a request.

Each attempt claims its message with a conditional UPDATE (``queued`` → ``sending``, attempts
+1): of two workers handed the same message, one claims it and the other does nothing. The
outcome is written only while the claim is still the worker's (``sending`` with the same
attempt number), so a worker that was presumed dead cannot overwrite a newer attempt.

A worker killed while sending leaves its message ``sending``; :func:`sweep` (queued by
``run_schedule`` every minute) puts messages claimed more than ``RELAIS_OUTBOX_STALE_SECONDS``
ago back in the queue, and queues the delivery of messages whose task was lost. Delivery is
therefore at least once: a worker killed between the provider's acceptance and its status
write sends that message again after the stale delay. Each message carries a stable
identifier (its e-mail ``Message-ID``, its SMS reference) so receivers can recognise a repeat.
See docs/decisions/0034-outbox.md.
"""

import datetime as dt
import logging
import smtplib
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.enqueue import enqueue

from . import sms
from .models import OutboxChannel, OutboxError, OutboxMessage, OutboxStatus
from .purposes import attachments_for
from .services import BATCH_TASK, DELIVER_TASK

logger = logging.getLogger(__name__)

ERROR_MAX = 1000  # characters of the last error kept on the message
SWEEP_BATCH = 1000  # messages re-queued per sweep at most


class PermanentError(Exception):
    """The receiving server refused the message for good (an SMTP 5xx answer)."""


def retry_delay(attempt: int) -> dt.timedelta:
    """Wait after failed attempt ``attempt`` (1-based): the base, ×4 at each attempt
    (1 min, 4 min, 16 min, 64 min with the default base of 60 s)."""
    return dt.timedelta(seconds=settings.RELAIS_OUTBOX_RETRY_SECONDS * 4 ** (attempt - 1))


def _claim(message_id: int, now) -> int | None:
    """Take the message for this worker: its attempt number, or None if it is not due."""
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)


def message_id_header(message: OutboxMessage) -> str:
    """A Message-ID that stays the same across re-sends of one outbox message."""
    domain = urlsplit(settings.SITE_URL).hostname or "relais.invalid"
    return f"<outbox-{message.organisation_id}-{message.pk}@{domain}>"


UNSUBSCRIBE_SALT = "relais.outbox.unsubscribe"


def unsubscribe_token(message: OutboxMessage) -> str:
    """A signed, unguessable token naming the message (hence its household)."""
    return signing.dumps([message.organisation_id, message.pk], salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(message: OutboxMessage) -> str:
    from django.urls import reverse

    path = reverse("core:outbox_unsubscribe", args=[unsubscribe_token(message)])
    return settings.SITE_URL.rstrip("/") + path


def text_with_footer(message: OutboxMessage) -> str:
    """The body as sent: with its unsubscribe link when the message offers one."""
    if not message.unsubscribe:
        return message.body
    with translation.override("fr"):
        if message.channel == OutboxChannel.SMS:
            footer = _("Stop: %(url)s") % {"url": unsubscribe_url(message)}
        else:
            footer = _("To stop receiving information messages: %(url)s") % {
                "url": unsubscribe_url(message)
            }
    return f"{message.body}\n\n{footer}"


def _send_email(message: OutboxMessage) -> None:
    organisation = message.organisation
    headers = {"Message-ID": message_id_header(message)}
    if message.unsubscribe:
        # RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that POSTs here.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(message)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    body = text_with_footer(message)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=body,
        to=[message.to],
        reply_to=[organisation.contact_email] if organisation.contact_email else None,
        headers=headers,
    )
    html = render_to_string("core/outbox_email.html", {"message": message, "body": body})
    email.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments_for(message):
        email.attach(filename, content, mimetype)
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _reply in error.recipients.values()):
            raise PermanentError(str(error)) from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentError(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise


def _send(message: OutboxMessage) -> str:
    """Hand the message to its backend; returns the provider's reference ("" for e-mail)."""
    if message.channel == OutboxChannel.EMAIL:
        _send_email(message)
        return ""
    reference = f"outbox-{message.organisation_id}-{message.pk}"
    text = sms.Sms(to=message.to, body=text_with_footer(message), reference=reference)
    try:
        return str(sms.get_backend().send(text) or "")[:100]
    except sms.PermanentSmsError as error:
        raise PermanentError(str(error)) from error


def deliver(message_id: int) -> str | None:
    """Send one queued message if it is due and no other worker has it; returns its new status
    (``sent``, ``queued`` again for a retry, ``failed``), or None when there was nothing to do.
    """
    attempt = _claim(message_id, timezone.now())
    if attempt is None:
        return None
    message = OutboxMessage.objects.select_related("organisation").get(pk=message_id)
    try:
        reference = _send(message)
    except Exception as error:  # any failure of the backend is recorded, never raised
        logger.warning("outbox message %s, attempt %s failed: %s", message_id, attempt, error)
        return _record_failure(message, attempt, error)
    mine = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.SENDING, attempts=attempt
    )
    mine.update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
        error_kind="",
        provider_reference=reference,
    )
    return OutboxStatus.SENT


def error_kind(error: Exception) -> str:
    """The kind of a delivery error, for the staff page (``OutboxError``)."""
    if isinstance(error, PermanentError):
        return OutboxError.REFUSED
    if isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
        return OutboxError.TEMPORARY  # a 4xx answer: 5xx ones became PermanentError
    if isinstance(error, OSError):  # refused, timed out, disconnected (smtplib's too)
        return OutboxError.UNREACHABLE
    return OutboxError.OTHER


def _record_failure(message: OutboxMessage, attempt: int, error: Exception) -> str | None:
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    kind = error_kind(error)
    now = timezone.now()
    final = isinstance(error, PermanentError) or attempt >= settings.RELAIS_OUTBOX_MAX_ATTEMPTS
    mine = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, attempts=attempt
    )
    if not final:
        retry_at = now + retry_delay(attempt)
        queued = mine.update(
            status=OutboxStatus.QUEUED, last_error=text, error_kind=kind, next_attempt_at=retry_at
        )
        if queued:
            # A backend that cannot defer gets nothing here: the sweep queues it when due.
            enqueue(DELIVER_TASK, message.pk, run_after=retry_at)
            return OutboxStatus.QUEUED
        return None
    with transaction.atomic():
        failed = mine.update(
            status=OutboxStatus.FAILED, last_error=text, error_kind=kind, next_attempt_at=None
        )
        if not failed:
            return None
        audit.record(
            action="outbox.message_failed",
            organisation=message.organisation,
            obj=message,
            changes={"status": [OutboxStatus.SENDING, OutboxStatus.FAILED], "attempts": attempt},
        )
    return OutboxStatus.FAILED


def sweep() -> dict[str, int]:
    """Re-queue messages whose worker died, and queue the delivery of due messages whose task
    was lost or could not be deferred; returns how many of each (``{"stale", "overdue"}``)."""
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.RELAIS_OUTBOX_STALE_SECONDS)
    stale = list(
        OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=stale_before)
        .order_by("claimed_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    OutboxMessage.objects.filter(
        pk__in=stale, status=OutboxStatus.SENDING, claimed_at__lt=stale_before
    ).update(status=OutboxStatus.QUEUED, next_attempt_at=now, claimed_at=None)
    if stale:
        logger.warning("outbox: %d messages left sending by a stopped worker re-queued", len(stale))
    # A message due for longer than the grace has no live task: queue one, and mark the
    # message as handled now so the next sweep leaves it to that task.
    overdue_before = now - dt.timedelta(seconds=settings.RELAIS_OUTBOX_SWEEP_GRACE_SECONDS)
    overdue = list(
        OutboxMessage.objects.due(overdue_before)
        .filter(batch="")
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    OutboxMessage.objects.filter(pk__in=overdue, status=OutboxStatus.QUEUED).update(
        next_attempt_at=now
    )
    for message_id in stale + overdue:
        enqueue(DELIVER_TASK, message_id)
    return {"stale": len(stale), "overdue": len(overdue)}


def sweep_batches() -> int:
    """Queue the task of each (batch, channel) with messages due for longer than the grace
    and none claimed during it: its batch task stopped (a killed worker, a lost task).
    Returns how many tasks were queued."""
    now = timezone.now()
    grace = now - dt.timedelta(seconds=settings.RELAIS_OUTBOX_SWEEP_GRACE_SECONDS)
    waiting = set(
        OutboxMessage.objects.due(grace)
        .exclude(batch="")
        .order_by()
        .values_list("batch", "channel")
        .distinct()
    )
    stalled = sorted(
        (batch, channel)
        for batch, channel in waiting
        if not OutboxMessage.objects.filter(
            batch=batch, channel=channel, claimed_at__gte=grace
        ).exists()
    )
    for batch, channel in stalled:
        enqueue(BATCH_TASK, batch, channel)
    return len(stalled)


# Batches: throttled per backend, across every worker ---------------------------------------------


def throttle(channel: str) -> None:
    """Wait until ``channel``'s backend may take one more message this second: at most
    ``RELAIS_OUTBOX_RATE_PER_SECOND[channel]`` per second, counted in the shared cache so that
    every worker together keeps to the provider's limit."""
    rate = settings.RELAIS_OUTBOX_RATE_PER_SECOND.get(channel, 10)
    while True:
        second = int(time.time())
        key = f"outbox-rate-{channel}-{second}"
        cache.add(key, 0, timeout=5)
        try:
            taken = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if taken <= rate:
            return
        time.sleep(max(0.0, second + 1 - time.time()))


def deliver_batch(batch: str, channel: str) -> dict[str, int]:
    """Deliver ``batch``'s due messages of ``channel`` at the backend's throttle, for at most
    ``RELAIS_OUTBOX_BATCH_SECONDS``; then queue the next run if some are left. Returns
    ``{"sent": n, "left": m}`` (``left``: due messages still queued)."""
    deadline = time.monotonic() + settings.RELAIS_OUTBOX_BATCH_SECONDS
    done = 0
    while time.monotonic() < deadline:
        due = (
            OutboxMessage.objects.of_batch(batch)
            .filter(channel=channel)
            .due(timezone.now())
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)
        )
        chunk = list(due[:200])
        if not chunk:
            return {"sent": done, "left": 0}
        for message_id in chunk:
            if time.monotonic() >= deadline:
                break
            throttle(channel)
            if deliver(message_id) is not None:
                done += 1
    left = OutboxMessage.objects.of_batch(batch).filter(channel=channel).due(timezone.now()).count()
    if left:
        enqueue(BATCH_TASK, batch, channel)
    return {"sent": done, "left": left}
