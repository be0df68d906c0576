"""Writes of work orders: staff send and revoke them; the contractor's steps through the link.

Every contractor step goes through :func:`_step`: the work order row is locked, the link
checked, and the step's idempotency key (a random value the form carries) recorded in
``WorkOrderSubmission``. A retried submission — the same key, e.g. a phone resending on a bad
connection — finds its key and changes nothing twice; a new submission of a step already done
is refused with a French message saying so.
"""

import datetime as dt
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import (
    InterventionRequest,
    RequestStatus,
    ResponseTarget,
    WorkOrder,
    WorkOrderPhoto,
    WorkOrderStatus,
    WorkOrderSubmission,
)
from ..requests.services import request_move
from . import health, links, notify, sla

S = WorkOrderStatus
# Work orders still expected to lead to a visit (reminded when overdue).
OPEN = (S.SENT, S.ACCEPTED, S.SCHEDULED, S.STOPPED)


class StepRefused(Exception):
    """A step the work order's state or link does not allow; the message says why, in French."""


def _target_hours(request: InterventionRequest) -> int | None:
    configured = dict(
        ResponseTarget.objects.for_organisation(request.organisation).values_list(
            "priority", "hours"
        )
    )
    return sla.target_hours(request.priority, configured)


@write_transaction
def work_order_create(*, organisation, actor, request, contractor, instructions: str = ""):
    """Send ``request`` (triaged, or dispatched to a contractor who declined) to ``contractor``.

    Returns ``(work_order, token)``; the token is e-mailed with the link after commit and is
    never stored. The request becomes "dispatched" (refused by the crisis whitelist while only
    urgent interventions are carried out: ``RequestRefused``). ``due_at`` = the tenant's first
    report + the response target of the request's priority.
    """
    if request.organisation_id != organisation.pk or contractor.organisation_id != organisation.pk:
        raise ValueError("request and contractor must belong to the organisation")
    if WorkOrder.objects.filter(request=request, status__in=OPEN).exists():
        raise StepRefused(_("This request already has a work order in progress."))
    request_move(request=request, actor=actor, status=RequestStatus.DISPATCHED)
    now = timezone.now()
    token, token_hash = links.new_token()
    work_order = WorkOrder.objects.create(
        organisation=organisation,
        request=request,
        contractor=contractor,
        instructions=instructions,
        link_token_hash=token_hash,
        link_expires_at=now + links.LINK_LIFETIME,
        due_at=sla.due_at(request.reported_at, _target_hours(request)),
        sent_at=now,
        created_by=actor,
    )
    audit.record(
        action="work_order.created",
        organisation=organisation,
        actor=actor,
        obj=work_order,
        changes={"contractor": contractor.name, "request": request.tracking_number},
    )
    transaction.on_commit(lambda: notify.send_link(work_order, token))
    return work_order, token


@write_transaction
def work_order_revoke(*, work_order, actor):
    """Close the contractor's link now (a leaked link, a changed contractor). Idempotent."""
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if work_order.link_revoked_at is None:
        work_order.link_revoked_at = timezone.now()
        work_order.save(update_fields=["link_revoked_at"])
        audit.record(
            action="work_order.link_revoked",
            organisation=work_order.organisation,
            actor=actor,
            obj=work_order,
        )
    return work_order


@write_transaction
def work_order_new_link(*, work_order, actor) -> tuple[WorkOrder, str]:
    """A fresh link (the old one stops working), e.g. after it expired; e-mailed after commit."""
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if work_order.status not in OPEN:
        raise StepRefused(_("This work order is finished: it needs no new link."))
    token, work_order.link_token_hash = links.new_token()
    work_order.link_expires_at = timezone.now() + links.LINK_LIFETIME
    work_order.link_revoked_at = None
    work_order.save(update_fields=["link_token_hash", "link_expires_at", "link_revoked_at"])
    audit.record(
        action="work_order.link_renewed",
        organisation=work_order.organisation,
        actor=actor,
        obj=work_order,
    )
    transaction.on_commit(lambda: notify.send_link(work_order, token))
    return work_order, token


# The contractor's steps ---------------------------------------------------------------------


def _step(work_order, *, key: str, step: str, apply: Callable[[WorkOrder, dt.datetime], dict]):
    """Run ``apply(locked work order, now) -> audit changes`` once per ``key``.

    Returns ``(work_order, replayed)``; ``replayed`` is True when ``key`` was already used
    (nothing changed). Raises StepRefused for a closed link or a step the status forbids.
    """
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if WorkOrderSubmission.objects.filter(work_order=work_order, key=key).exists():
        return work_order, True
    now = timezone.now()
    state = links.link_state(
        expires_at=work_order.link_expires_at, revoked_at=work_order.link_revoked_at, now=now
    )
    if state is not links.LinkState.VALID:
        raise StepRefused(_("This link is no longer valid: ask the landlord for a new one."))
    changes = apply(work_order, now)
    WorkOrderSubmission.objects.create(
        organisation=work_order.organisation, work_order=work_order, key=key, step=step, at=now
    )
    audit.record(
        action=f"work_order.{step}",
        organisation=work_order.organisation,
        obj=work_order,
        changes=changes,
    )
    return work_order, False


def _require(work_order, allowed, message):
    if work_order.status not in allowed:
        raise StepRefused(message % {"status": WorkOrderStatus(work_order.status).label})


@write_transaction
def work_order_accept(*, work_order, key: str):
    def apply(wo, now):
        _require(
            wo, (S.SENT,), _("This work order can no longer be accepted (it is “%(status)s”).")
        )
        wo.status, wo.accepted_at = S.ACCEPTED, now
        wo.save(update_fields=["status", "accepted_at"])
        return {"status": [S.SENT, S.ACCEPTED]}

    return _step(work_order, key=key, step="accepted", apply=apply)


@write_transaction
def work_order_decline(*, work_order, key: str, reason: str):
    """The contractor declines: the request returns to "triaged" for another contractor."""

    def apply(wo, now):
        _require(
            wo,
            (S.SENT, S.ACCEPTED),
            _("This work order can no longer be declined (it is “%(status)s”)."),
        )
        previous = wo.status
        wo.status, wo.declined_at, wo.decline_reason = S.DECLINED, now, reason
        wo.save(update_fields=["status", "declined_at", "decline_reason"])
        request_move(
            request=wo.request,
            actor=None,
            status=RequestStatus.TRIAGED,
            note=_("Declined by %(name)s: %(reason)s")
            % {"name": wo.contractor.name, "reason": reason},
        )
        return {"status": [previous, S.DECLINED], "reason": reason}

    return _step(work_order, key=key, step="declined", apply=apply)


@write_transaction
def work_order_schedule(*, work_order, key: str, start: dt.datetime, end: dt.datetime):
    """The contractor proposes a visit slot (also after a visit the questionnaire stopped: the
    previous answers are cleared, they are asked again on the day)."""

    def apply(wo, now):
        _require(
            wo,
            (S.ACCEPTED, S.SCHEDULED, S.STOPPED),
            _("A visit cannot be proposed for this work order (it is “%(status)s”)."),
        )
        if end <= start:
            raise StepRefused(_("The visit must end after it starts."))
        previous = wo.status
        wo.status, wo.proposed_slot_start, wo.proposed_slot_end = S.SCHEDULED, start, end
        wo.health_answers, wo.health_answered_at, wo.emergency_override = {}, None, False
        wo.save(
            update_fields=[
                "status",
                "proposed_slot_start",
                "proposed_slot_end",
                "health_answers",
                "health_answered_at",
                "emergency_override",
            ]
        )
        if wo.request.status == RequestStatus.DISPATCHED:
            request_move(request=wo.request, actor=None, status=RequestStatus.SCHEDULED)
        return {"status": [previous, S.SCHEDULED], "slot": [start.isoformat(), end.isoformat()]}

    return _step(work_order, key=key, step="scheduled", apply=apply)


@write_transaction
def work_order_health(*, work_order, key: str, answers: dict[str, bool], emergency: bool):
    """Record the questionnaire filled in with the tenant at the door. Returns
    ``(work_order, replayed, outcome)``: a risky answer stops the visit (status "stopped")
    unless the emergency requires it (``health.outcome``)."""
    found = {}

    def apply(wo, now):
        _require(
            wo,
            (S.SCHEDULED,),
            _(
                "The questionnaire is filled in at the door of a scheduled visit "
                "(this work order is “%(status)s”)."
            ),
        )
        result = health.outcome(answers, priority=wo.request.priority, emergency_claimed=emergency)
        found["outcome"] = result
        wo.health_answers, wo.health_answered_at = dict(answers), now
        wo.emergency_override = result.emergency
        if not result.proceed:
            wo.status = S.STOPPED
        wo.save(
            update_fields=["health_answers", "health_answered_at", "emergency_override", "status"]
        )
        return {
            "proceed": result.proceed,
            "risks": list(result.risks),
            "emergency": result.emergency,
        }

    work_order, replayed = _step(work_order, key=key, step="health_answered", apply=apply)
    if "outcome" in found:
        return work_order, replayed, found["outcome"]
    # A replay: the outcome of the answers recorded the first time.
    result = health.outcome(
        work_order.health_answers,
        priority=work_order.request.priority,
        emergency_claimed=work_order.emergency_override,
    )
    return work_order, replayed, result


@write_transaction
def work_order_complete(*, work_order, key: str, note: str, photos: list):
    """The contractor reports the job done, with a note and re-encoded ``photos``
    (``requests.photos.Photo``): the work order is completed and the request done (the tenant
    is told). Only after a questionnaire that let the visit go ahead."""

    def apply(wo, now):
        _require(wo, (S.SCHEDULED,), _("This work order cannot be completed (it is “%(status)s”)."))
        if wo.health_answered_at is None:
            raise StepRefused(
                _("Fill in the health questionnaire with the tenant before entering.")
            )
        wo.status, wo.completed_at, wo.completion_note = S.COMPLETED, now, note
        wo.save(update_fields=["status", "completed_at", "completion_note"])
        for photo in photos:
            stored = WorkOrderPhoto(
                organisation=wo.organisation,
                work_order=wo,
                original_name=photo.name,
                width=photo.width,
                height=photo.height,
                size=len(photo.content),
            )
            stored.image.save("photo.jpg", ContentFile(photo.content), save=False)
            stored.save()
        request_move(
            request=wo.request,
            actor=None,
            status=RequestStatus.DONE,
            note=_("Completed by %(name)s: %(note)s") % {"name": wo.contractor.name, "note": note},
        )
        return {"status": [S.SCHEDULED, S.COMPLETED], "photos": len(photos)}

    return _step(work_order, key=key, step="completed", apply=apply)


# Overdue work orders (scheduled task) --------------------------------------------------------

# A reminded work order still open this long after its reminder goes to the technicians.
ESCALATE_AFTER = dt.timedelta(hours=2)


def _claim(queryset, field: str, now) -> list[int]:
    """Set ``field`` = ``now`` on the rows of ``queryset`` where it is empty, in one UPDATE,
    and return the ids this run claimed (a concurrent run claims the others: nobody is told
    twice). ``now`` must be unique to the run (a timestamp with microseconds)."""
    queryset.filter(**{f"{field}__isnull": True}).update(**{field: now})
    return list(queryset.model.objects.filter(**{field: now}).values_list("pk", flat=True))


def overdue(now):
    """Open work orders past their target, all organisations."""
    return WorkOrder.objects.filter(status__in=OPEN, due_at__lt=now)


def remind_and_escalate(now=None) -> tuple[int, int]:
    """Remind the contractor of each newly overdue work order; escalate to the organisation's
    technicians those still open ``ESCALATE_AFTER`` after their reminder. Set-based: two
    UPDATEs claim the rows, then one message per claimed row. Returns (reminded, escalated)."""
    from .selectors import technician_addresses

    now = now or timezone.now()
    with transaction.atomic():
        reminded = _claim(overdue(now), "reminded_at", now)
        escalated = _claim(
            overdue(now).filter(reminded_at__lte=now - ESCALATE_AFTER), "escalated_at", now
        )
    related = ("organisation", "contractor", "request__category")
    for work_order in WorkOrder.objects.filter(pk__in=reminded).select_related(*related):
        notify.remind(work_order)
    addresses = {}
    for work_order in WorkOrder.objects.filter(pk__in=escalated).select_related(*related):
        org = work_order.organisation_id
        if org not in addresses:
            addresses[org] = technician_addresses(work_order.organisation)
        notify.escalate(work_order, addresses[org])
    return len(reminded), len(escalated)
