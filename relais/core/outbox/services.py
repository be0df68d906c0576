"""Writes of the outbox: queue a message (the API other capabilities call), retry one.

Queuing writes the message in the caller's transaction and queues its delivery task on commit:
a rolled-back request sends nothing, and nothing is sent inside a request (``delivery``).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.transactions import write_transaction

from . import addresses
from .models import OutboxChannel, OutboxMessage, OutboxOptOut, OutboxStatus

DELIVER_TASK = "relais.core.outbox.tasks.deliver_message"
BATCH_TASK = "relais.core.outbox.tasks.deliver_batch"
SUBJECT_MAX = OutboxMessage._meta.get_field("subject").max_length
PURPOSE_MAX = OutboxMessage._meta.get_field("purpose").max_length
DEDUPE_MAX = OutboxMessage._meta.get_field("dedupe_key").max_length


def deliver_on_commit(message_id: int) -> None:
    """Queue the delivery task of ``message_id`` once the current transaction commits."""
    transaction.on_commit(lambda: enqueue(DELIVER_TASK, message_id))


def _check(*, organisation, channel, subject, body, purpose, household, dedupe_key) -> None:
    """Raises ``ValidationError`` naming the field of what the caller got wrong."""
    errors = {}
    if channel == OutboxChannel.EMAIL and not subject.strip():
        errors["subject"] = _("An e-mail needs a subject.")
    if len(subject) > SUBJECT_MAX:
        errors["subject"] = _("The subject is longer than %(max)d characters.") % {
            "max": SUBJECT_MAX
        }
    if not body.strip():
        errors["body"] = _("The message is empty.")
    if not purpose or len(purpose) > PURPOSE_MAX:
        errors["purpose"] = _("The purpose must be a code of 1 to %(max)d characters.") % {
            "max": PURPOSE_MAX
        }
    if dedupe_key is not None and not 0 < len(dedupe_key) <= DEDUPE_MAX:
        errors["dedupe_key"] = _("The de-duplication key must have 1 to %(max)d characters.") % {
            "max": DEDUPE_MAX
        }
    if household is not None and household.organisation_id != organisation.pk:
        errors["household"] = _("This household belongs to another organisation.")
    if errors:
        raise ValidationError(errors)


@write_transaction
def queue_message(
    *,
    organisation,
    channel: str,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    household=None,
    dedupe_key: str | None = None,
    unsubscribe: bool = False,
) -> OutboxMessage | None:
    """Queue one message to ``to`` by ``channel`` (``"email"`` or ``"sms"``), delivered by a
    background task after the current transaction commits.

    ``to`` is an e-mail address or a mobile number (« 06 12 34 56 78 », E.164); SMS numbers are
    stored in E.164. ``subject`` is required for e-mail and unused by SMS. ``purpose`` is a short
    code (registered with ``purposes.register_purpose`` for its label). With ``dedupe_key``,
    queuing the same key again in the organisation returns the message already queued, whatever
    its status (a double submit never sends twice). With ``unsubscribe`` (information, not
    safety), the message carries a one-click unsubscribe link and is not queued — None is
    returned — when ``household`` opted out.

    Raises ``ValidationError`` (a dict naming the field) for a bad address, an empty body, an
    e-mail without subject, or a household of another organisation; nothing is written then.
    """
    _check(
        organisation=organisation,
        channel=channel,
        subject=subject,
        body=body,
        purpose=purpose,
        household=household,
        dedupe_key=dedupe_key,
    )
    address = addresses.normalised(channel, to)
    if unsubscribe and household is not None and is_opted_out(household):
        return None
    messages = OutboxMessage.objects.for_organisation(organisation)
    if dedupe_key is not None:
        existing = messages.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():  # a savepoint: the loser of a race on the key carries on
            message = OutboxMessage.objects.create(
                organisation=organisation,
                channel=channel,
                to=address,
                subject=subject if channel == OutboxChannel.EMAIL else "",
                body=body,
                purpose=purpose,
                household=household,
                dedupe_key=dedupe_key,
                unsubscribe=unsubscribe,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return messages.get(dedupe_key=dedupe_key)
    audit.record(
        action="outbox.message_queued",
        organisation=organisation,
        obj=message,
        changes={"channel": channel, "reason": purpose},
    )
    deliver_on_commit(message.pk)
    return message


def _holders_addresses(household) -> list[tuple[str, str]]:
    """[(channel, address)] to try for ``household``, best first: each holder's preferred
    channel among e-mail and SMS, then their other one (holders in their registered order)."""
    candidates = []
    for holder in household.occupants.filter(is_holder=True).order_by("pk"):
        usable = {
            OutboxChannel.EMAIL: addresses.email_address(holder.email),
            OutboxChannel.SMS: addresses.sms_number(holder.phone),
        }
        order = [OutboxChannel.EMAIL, OutboxChannel.SMS]
        if holder.preferred_channel == OutboxChannel.SMS:
            order.reverse()
        candidates += [(channel, usable[channel]) for channel in order if usable[channel]]
    return candidates


def household_channel(household) -> str | None:
    """The channel :func:`notify_household` would use for ``household`` ("email" or "sms"),
    None when it has no usable address: lets a caller word its message for that channel."""
    candidates = _holders_addresses(household)
    return candidates[0][0] if candidates else None


def notify_household(
    *, organisation, household, subject: str, body: str, purpose: str, dedupe_key=None
) -> OutboxMessage | None:
    """Queue a message to ``household``'s lease holder by their preferred channel among e-mail
    and SMS when they have a usable address for it, else by the other one.

    A holder who prefers the phone or a letter gets an e-mail, else a text message. Returns
    None when no holder has a usable e-mail address or mobile number: the caller then shows
    that the household must be called or written to. Same errors as :func:`queue_message`.
    """
    candidates = _holders_addresses(household)
    if not candidates:
        return None
    channel, address = candidates[0]
    return queue_message(
        organisation=organisation,
        channel=channel,
        to=address,
        subject=subject,
        body=body,
        purpose=purpose,
        household=household,
        dedupe_key=dedupe_key,
    )


@write_transaction
def message_retry(*, message: OutboxMessage, actor) -> bool:
    """Put a failed message back in the queue for a new round of attempts (a person's choice).

    Returns False, writing nothing, when the message is no longer failed (a double submit, or
    someone else retried it first): the conditional UPDATE is the lock.
    """
    now = timezone.now()
    retried = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=now, claimed_at=None
    )
    if not retried:
        return False
    audit.record(
        action="outbox.message_retried",
        organisation=message.organisation,
        actor=actor,
        obj=message,
        changes={
            "status": [OutboxStatus.FAILED, OutboxStatus.QUEUED],
            "attempts": [message.attempts, 0],
        },
    )
    deliver_on_commit(message.pk)
    return True


def is_opted_out(household) -> bool:
    return OutboxOptOut.objects.filter(household_id=household.pk).exists()


def opted_out_households(organisation):
    """The ids of ``organisation``'s households that opted out (a sub-query)."""
    return OutboxOptOut.objects.for_organisation(organisation).values("household_id")


@write_transaction
def opt_out_record(*, household, source: str, actor=None) -> bool:
    """Record that ``household`` wants no more information messages; False, writing nothing,
    when it had already opted out (a second click on the link)."""
    _optout, created = OutboxOptOut.objects.get_or_create(
        organisation_id=household.organisation_id,
        household=household,
        defaults={"source": source},
    )
    if created:
        audit.record(
            action="outbox.opted_out",
            organisation=household.organisation,
            actor=actor,
            obj=household,
            changes={"source": source},
        )
    return created


@write_transaction
def opt_out_cancel(*, household, actor) -> bool:
    """The household wants information messages again (staff record its request)."""
    deleted, _rows = OutboxOptOut.objects.filter(household_id=household.pk).delete()
    if deleted:
        audit.record(
            action="outbox.opt_in",
            organisation=household.organisation,
            actor=actor,
            obj=household,
        )
    return bool(deleted)


BATCH_COLUMNS = ("channel", "to", "subject", "body", "household_id")


def queue_batch(*, organisation, batch: str, purpose: str, rows, unsubscribe: bool) -> int:
    """Write many messages with one ``INSERT … SELECT`` and deliver them by ``deliver_batch``
    (one task per channel, throttled by ``RELAIS_OUTBOX_RATE_PER_SECOND``); returns how many.

    ``rows`` is a QuerySet whose ``.values()`` give exactly ``BATCH_COLUMNS`` (channel ``email``
    or ``sms``, the address already valid: e-mail as entered, SMS in E.164, the rendered
    subject and body, the household id). The caller excludes opted-out households
    (``opted_out_households``) when ``unsubscribe``. Call it inside the caller's transaction:
    one audit event (``outbox.batch_queued``) names the batch and the count.
    """
    if not batch or len(batch) > OutboxMessage._meta.get_field("batch").max_length:
        raise ValueError(f"bad batch code: {batch!r}")
    now = timezone.now()
    select = rows.values(*BATCH_COLUMNS)
    sql, params = select.query.sql_with_params()
    table = OutboxMessage._meta.db_table
    columns = [
        "organisation_id", "channel", '"to"', "subject", "body", "household_id", "purpose",
        "batch", "unsubscribe", "status", "attempts", "last_error", "error_kind",
        "created_at", "next_attempt_at", "provider_reference",
    ]  # fmt: skip
    outer = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f'SELECT %s, q.channel, q."to", q.subject, q.body, q.household_id, %s, %s, %s, %s, '
        f"0, '', '', %s, %s, '' FROM ({sql}) q"
    )
    head = [organisation.pk, purpose, batch, unsubscribe, OutboxStatus.QUEUED]
    with connection.cursor() as cursor:
        cursor.execute(outer, [*head, now, now, *params])
        count = cursor.rowcount
    audit.record(
        action="outbox.batch_queued",
        organisation=organisation,
        obj=organisation,
        changes={"reason": purpose, "batch": batch, "count": count},
    )
    if count:
        transaction.on_commit(lambda: enqueue_batch(batch))
    return count


def enqueue_batch(batch: str) -> None:
    """Queue the delivery of ``batch``'s e-mails and texts (one task per channel)."""
    for channel in OutboxChannel.values:
        enqueue(BATCH_TASK, batch, channel)
