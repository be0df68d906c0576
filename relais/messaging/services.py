"""Writes of broadcasts: draft, ask to send (approval above the threshold), approve, cancel,
and the dispatch run by a background task (recipients queued, letters printed).

A broadcast to more than ``RELAIS_BROADCAST_APPROVAL_THRESHOLD`` recipients waits for a
second person with ``broadcast.approve`` (not its author): a mass message sent by mistake
cannot be called back. Every status change is a conditional UPDATE, so a double click or two
people approving at once start one dispatch.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.outbox.models import OutboxMessage
from relais.core.outbox.services import queue_batch
from relais.core.transactions import write_transaction

from . import merge, recipients, segments
from .models import Broadcast, BroadcastKind, BroadcastLetter, BroadcastStatus

DISPATCH_TASK = "relais.messaging.tasks.dispatch_broadcast"
PURPOSES = {
    BroadcastKind.INFORMATION: "messaging.information",
    BroadcastKind.SAFETY: "messaging.safety",
}


def _check_texts(*, subject: str, body: str, sms_body: str) -> None:
    errors = {}
    for name, text in (("subject", subject), ("body", body), ("sms_body", sms_body)):
        unknown = merge.unknown_fields(text)
        if unknown:
            errors[name] = _("Unknown merge field: %(fields)s.") % {"fields": ", ".join(unknown)}
        elif not text.strip():
            errors[name] = _("This text is empty.")
    if errors:
        raise ValidationError(errors)


def _check_allowed(organisation, actor, criteria: list[dict]) -> None:
    """``actor``'s role may use every segment of ``criteria`` (the outreach register is for
    the roles that may see it)."""
    refused = segments.forbidden(criteria, segments.actor_abilities(actor, organisation))
    if refused:
        raise ValidationError(
            {"segment": _("Your role may not write to: %(segments)s.")
             % {"segments": ", ".join(refused)}}
        )  # fmt: skip


def _check_public(criteria: list[dict], public: bool) -> None:
    """A message to a private segment (tenants in arrears, the register) is never public."""
    private = segments.private_labels(criteria) if public else []
    if private:
        raise ValidationError(
            {"public": _("A message to %(segments)s speaks of each tenant's own situation: "
                         "it cannot be shown on the public notice.")
             % {"segments": ", ".join(private)}}
        )  # fmt: skip


def _check_criteria(organisation, criteria: list[dict]) -> None:
    """Each criterion names a registered segment and a value it understands."""
    if not criteria:
        raise ValidationError({"segment": _("Choose who receives the message.")})
    for criterion in criteria:
        segment = segments.get(criterion["key"])
        try:
            segment.build_queryset(recipients.base(organisation).none(), organisation,
                                   criterion.get("value", ""))  # fmt: skip
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from None


@write_transaction
def broadcast_create(*, organisation, actor, criteria: list[dict], **fields) -> Broadcast:
    """A draft. ``fields``: title, kind, public, subject, body, sms_body, envelope. Raises
    ValidationError naming the field (an unknown merge field, a building that does not exist).
    """
    _check_texts(subject=fields["subject"], body=fields["body"], sms_body=fields["sms_body"])
    _check_criteria(organisation, criteria)
    _check_allowed(organisation, actor, criteria)
    _check_public(criteria, fields.get("public", False))
    for name in ("subject", "body"):
        fields[name] = merge.french_typography(fields[name])
    # No non-breaking space in a text message: it is not in the GSM alphabet, and one of them
    # would make the whole SMS UCS-2 (70 characters a part instead of 160).
    fields["sms_body"] = merge.plain_spaces(fields["sms_body"])
    broadcast = Broadcast.objects.create(
        organisation=organisation, created_by=actor, criteria=criteria, **fields
    )
    audit.record(
        action="broadcast.created",
        organisation=organisation,
        actor=actor,
        obj=broadcast,
        changes={"recipients": segments.describe(criteria), "kind": broadcast.kind},
    )
    segments.record_use(broadcast, actor, "created")
    return broadcast


@write_transaction
def broadcast_update(
    *, organisation, actor, broadcast, criteria: list[dict], **fields
) -> Broadcast:
    """Change a draft (its texts, recipients, kind…): ``fields`` as for ``broadcast_create``.
    Only a draft: once it is sent or awaits approval, what was approved is what goes out."""
    _check_texts(subject=fields["subject"], body=fields["body"], sms_body=fields["sms_body"])
    _check_criteria(organisation, criteria)
    _check_allowed(organisation, actor, criteria)
    _check_public(criteria, fields.get("public", False))
    for name in ("subject", "body"):
        fields[name] = merge.french_typography(fields[name])
    fields["sms_body"] = merge.plain_spaces(fields["sms_body"])
    locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk, organisation=organisation)
    if locked.status != BroadcastStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    fields["criteria"] = criteria
    changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        action="broadcast.changed",
        organisation=organisation,
        actor=actor,
        obj=locked,
        changes={"fields": ", ".join(changed)},
    )
    segments.record_use(locked, actor, "changed")
    return locked


def needs_approval(count: int) -> bool:
    return count > settings.RELAIS_BROADCAST_APPROVAL_THRESHOLD


def _move(broadcast, actor, source: str, target: str, **extra) -> bool:
    moved = Broadcast.objects.filter(pk=broadcast.pk, status=source).update(status=target, **extra)
    if moved:
        audit.record(
            action=f"broadcast.{target}",
            organisation=broadcast.organisation,
            actor=actor,
            obj=broadcast,
            changes={"status": [source, target]},
        )
    return bool(moved)


def _start(broadcast, actor, source: str) -> bool:
    started = _move(
        broadcast, actor, source, BroadcastStatus.SENDING, sent_by=actor, sent_at=timezone.now()
    )
    if started:
        transaction.on_commit(lambda: enqueue(DISPATCH_TASK, broadcast.pk))
    return started


@write_transaction
def broadcast_send(*, broadcast: Broadcast, actor) -> str:
    """Send a draft, or put it to approval when it reaches more people than the threshold.
    Returns the new status; raises ValidationError for a broadcast that reaches nobody, or
    names a segment the sender's role may not use."""
    _check_allowed(broadcast.organisation, actor, broadcast.criteria)
    segments.record_use(broadcast, actor, "sent")
    total = sum(v for k, v in recipients.counts(broadcast).items() if k != "opted_out")
    if total == 0:
        raise ValidationError(_("This message reaches nobody: change its recipients."))
    if needs_approval(total):
        _move(broadcast, actor, BroadcastStatus.DRAFT, BroadcastStatus.AWAITING_APPROVAL)
        return BroadcastStatus.AWAITING_APPROVAL
    _start(broadcast, actor, BroadcastStatus.DRAFT)
    return BroadcastStatus.SENDING


@write_transaction
def broadcast_approve(*, broadcast: Broadcast, actor) -> bool:
    """A second person approves (never the author); the broadcast starts sending."""
    if broadcast.created_by_id == actor.pk:
        raise ValidationError(_("A second person must approve the message you wrote."))
    Broadcast.objects.filter(pk=broadcast.pk).update(approved_by=actor, approved_at=timezone.now())
    segments.record_use(broadcast, actor, "approved")
    return _start(broadcast, actor, BroadcastStatus.AWAITING_APPROVAL)


@write_transaction
def broadcast_cancel(*, broadcast: Broadcast, actor) -> bool:
    """Drop a draft or a broadcast awaiting approval (nothing was sent)."""
    for source in (BroadcastStatus.DRAFT, BroadcastStatus.AWAITING_APPROVAL):
        if _move(broadcast, actor, source, BroadcastStatus.CANCELLED):
            return True
    return False


# The dispatch (background task) -----------------------------------------------------------------


def _insert_letters(broadcast) -> int:
    rows = (
        recipients.selected(broadcast)
        .filter(channel="letter")
        .annotate(letter_occupant=F("pk"))
        .values("household_id", "letter_occupant")
    )
    sql, params = rows.query.sql_with_params()
    table = BroadcastLetter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, broadcast_id, household_id, occupant_id) "
            f"SELECT %s, %s, q.household_id, q.letter_occupant FROM ({sql}) q",
            [broadcast.organisation_id, broadcast.pk, *params],
        )
        return cursor.rowcount


@transaction.atomic
def broadcast_dispatch(broadcast_id: int) -> bool:
    """Queue every e-mail and SMS in the outbox and record the letters, in one transaction;
    False (nothing done) when the broadcast is not sending or was already dispatched, so a
    re-run task never queues twice. The letters' PDF comes after (``letters_print``)."""
    broadcast = (
        Broadcast.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=broadcast_id, status=BroadcastStatus.SENDING, dispatched_at__isnull=True)
        .first()
    )
    if broadcast is None:
        return False
    purpose = PURPOSES[broadcast.kind]
    unsubscribe = broadcast.kind != BroadcastKind.SAFETY
    queued = queue_batch(
        organisation=broadcast.organisation,
        batch=broadcast.batch,
        purpose=purpose,
        rows=recipients.outbox_rows(broadcast),
        unsubscribe=unsubscribe,
    )
    sms = (
        OutboxMessage.objects.of_batch(broadcast.batch).filter(channel="sms").count()
        if queued
        else 0
    )
    found = {"email": queued - sms, "sms": sms}
    found["letter"] = _insert_letters(broadcast)
    found["opted_out"] = recipients.opted_out_count(broadcast, sum(found.values()))
    broadcast.counts = found
    broadcast.dispatched_at = timezone.now()
    if not found["letter"]:
        broadcast.status = BroadcastStatus.SENT
    broadcast.save(update_fields=["counts", "dispatched_at", "status"])
    audit.record(
        action="broadcast.dispatched",
        organisation=broadcast.organisation,
        obj=broadcast,
        changes={key: found[key] for key in ("email", "sms", "letter", "opted_out")},
    )
    segments.record_use(broadcast, None, "dispatched")
    return True


def letters_print(broadcast_id: int) -> int:
    """Render the letters' PDF of a dispatched broadcast once (a re-run keeps the first);
    returns its pages. The broadcast is then ``sent``."""
    from . import letters

    broadcast = Broadcast.objects.select_related("organisation").get(pk=broadcast_id)
    if broadcast.dispatched_at is None or broadcast.letters_pdf:
        return broadcast.letters_pages
    pdf, pages = letters.render_batch(broadcast)
    with transaction.atomic():
        updated = Broadcast.objects.filter(pk=broadcast.pk, letters_pdf__isnull=True).update(
            letters_pdf=pdf, letters_pages=pages, status=BroadcastStatus.SENT
        )
        if updated:
            audit.record(
                action="broadcast.letters_printed",
                organisation=broadcast.organisation,
                obj=broadcast,
                changes={"pages": pages},
            )
    return pages
