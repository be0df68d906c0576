"""Writes on intervention requests: creation (public form or phone call), triage, status moves,
call-backs, and the crisis whitelist's holds and releases. Every write is audited; the tenant
is told of each status change after the commit, by a task (``tasks.tell_tenants``).

Errors: ``RequestRefused`` (a ValidationError with a French message) when a move is not allowed.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.selectors import current_crisis_state
from relais.core.transactions import write_transaction

from ..models import (
    InterventionRequest,
    RequestEvent,
    RequestNumberSequence,
    RequestPhoto,
    RequestStatus,
)
from . import rules
from .photos import Photo


class RequestRefused(ValidationError):
    """A status move the rules forbid; the message says why, in French."""


def _tell_tenants(event_ids: list[int], *, released: bool = False) -> None:
    if event_ids:
        transaction.on_commit(
            lambda: enqueue(
                "relais.interventions.tasks.tell_tenants", list(event_ids), released=released
            )
        )


def next_tracking_number(organisation, now: dt.datetime) -> str:
    """``DI-<year>-<six digits>``, the next of ``organisation`` for the Paris year of ``now``;
    the sequence row is locked until the caller's transaction ends (no two alike)."""
    year = timezone.localtime(now).year
    RequestNumberSequence.objects.get_or_create(organisation=organisation, year=year)
    sequence = RequestNumberSequence.objects.select_for_update().get(
        organisation=organisation, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"DI-{year}-{sequence.last:06d}"


@dataclass(frozen=True)
class NewRequest:
    """What a request is created from (the form's cleaned data, ``photos`` re-encoded).

    ``household`` None with a ``building``: a request about the building's common areas
    (a caretaker's round), nobody to tell of its status."""

    household: object
    lease: object
    dwelling: object
    category: object
    description: str
    availability: str = ""
    vulnerable_present: bool = False
    contact_phone: str = ""
    callback_requested: bool = False
    photos: tuple[Photo, ...] = ()
    submission_key: str | None = None
    reported_at: dt.datetime | None = None
    building: object = None


def request_create(*, organisation, actor, source: str, data: NewRequest) -> InterventionRequest:
    """Create a request (``source``: web or phone), numbered, with its photos; held for the
    restart when the crisis whitelist says so. A second call with the same ``submission_key``
    returns the first request unchanged (double submit)."""
    if data.submission_key:
        existing = InterventionRequest.objects.filter(
            organisation=organisation, submission_key=data.submission_key
        ).first()
        if existing is not None:
            return existing
    try:
        return _create(organisation=organisation, actor=actor, source=source, data=data)
    except IntegrityError:
        # The same form submitted twice at once: the other submission won the unique key.
        existing = InterventionRequest.objects.filter(
            organisation=organisation, submission_key=data.submission_key
        ).first()
        if data.submission_key and existing is not None:
            return existing
        raise


def _phone_on_file(household) -> str:
    """The first lease holder's phone on file (E.164 text), else "": who is called about the
    request when the tenant gave no other number."""
    holders = household.occupants.filter(is_holder=True).exclude(phone="").order_by("pk")
    return holders.values_list("phone", flat=True).first() or ""


@write_transaction
def _create(*, organisation, actor, source, data: NewRequest) -> InterventionRequest:
    now = timezone.now()
    state = current_crisis_state(organisation)
    status = rules.status_on_arrival(
        urgent_only=state.urgent_interventions_only,
        whitelisted=data.category.crisis_whitelisted,
    )
    request = InterventionRequest.objects.create(
        organisation=organisation,
        tracking_number=next_tracking_number(organisation, now),
        household=data.household,
        building=data.building,
        lease=data.lease,
        dwelling=data.dwelling,
        category=data.category,
        description=data.description,
        availability=data.availability,
        vulnerable_present=data.vulnerable_present,
        contact_phone=data.contact_phone
        or (_phone_on_file(data.household) if data.household is not None else ""),
        callback_requested=data.callback_requested,
        source=source,
        status=status,
        priority=data.category.default_priority,
        reported_at=data.reported_at or now,
        deferred_at=now if status == RequestStatus.DEFERRED else None,
        submission_key=data.submission_key or "",
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    for photo in data.photos:
        row = RequestPhoto(
            organisation=organisation,
            request=request,
            original_name=photo.name,
            width=photo.width,
            height=photo.height,
            size=len(photo.content),
        )
        row.image.save("photo.jpg", ContentFile(photo.content), save=False)
        row.save()
    event = RequestEvent.objects.create(
        organisation=organisation, request=request, status=status, actor=request.created_by, at=now
    )
    audit.record(
        action="intervention_request.created",
        organisation=organisation,
        actor=actor,
        obj=request,
        changes={
            "source": source,
            "category": data.category.pk,
            "status": status,
            "photos": len(data.photos),
        },
    )
    if request.household_id is not None:
        _tell_tenants([event.pk])
    return request


MOVES = {
    RequestStatus.NEW: {RequestStatus.TRIAGED, RequestStatus.DEFERRED, RequestStatus.CLOSED},
    RequestStatus.DEFERRED: {RequestStatus.NEW, RequestStatus.CLOSED},
    RequestStatus.TRIAGED: {
        RequestStatus.DISPATCHED,
        RequestStatus.DEFERRED,
        RequestStatus.CLOSED,
        RequestStatus.NEW,
    },
    RequestStatus.DISPATCHED: {
        RequestStatus.SCHEDULED,
        RequestStatus.DONE,
        RequestStatus.TRIAGED,
        RequestStatus.CLOSED,
    },
    RequestStatus.SCHEDULED: {RequestStatus.DONE, RequestStatus.TRIAGED, RequestStatus.CLOSED},
    RequestStatus.DONE: set(),
    RequestStatus.CLOSED: set(),
}


@write_transaction
def request_move(*, request: InterventionRequest, actor, status: str, note: str = ""):
    """Move ``request`` to ``status`` (see ``MOVES``), with a history event, an audit event
    and the tenant told. Refused (``RequestRefused``) for a move ``MOVES`` does not allow, and
    for a dispatch the crisis whitelist holds. Moving to the status it has changes nothing."""
    request = InterventionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == status:
        return request
    if status not in MOVES[request.status]:
        raise RequestRefused(
            _("A request “%(from)s” cannot become “%(to)s”.")
            % {
                "from": RequestStatus(request.status).label,
                "to": RequestStatus(status).label,
            }
        )
    if status == RequestStatus.DISPATCHED:
        state = current_crisis_state(request.organisation)
        if not rules.may_dispatch(
            urgent_only=state.urgent_interventions_only,
            whitelisted=request.category.crisis_whitelisted,
        ):
            raise RequestRefused(
                _(
                    "While only urgent interventions are carried out, a request “%(category)s” "
                    "waits for the restart: defer it instead."
                )
                % {"category": request.category.name}
            )
    return _apply_move(request, actor=actor, status=status, note=note)


def _apply_move(request, *, actor, status, note):
    now = timezone.now()
    previous = request.status
    request.status = status
    fields = ["status", "updated_at"]
    if status == RequestStatus.DEFERRED:
        request.deferred_at, request.released_at = now, None
        fields += ["deferred_at", "released_at"]
    if previous == RequestStatus.DEFERRED:
        request.released_at = now
        fields.append("released_at")
    if status in (RequestStatus.DONE, RequestStatus.CLOSED):
        request.closed_at = now
        fields.append("closed_at")
    request.save(update_fields=fields)
    event = RequestEvent.objects.create(
        organisation=request.organisation,
        request=request,
        status=status,
        note=note,
        actor=actor,
        at=now,
    )
    audit.record(
        action="intervention_request.status_changed",
        organisation=request.organisation,
        actor=actor,
        obj=request,
        changes={"status": [previous, status], **({"note": note} if note else {})},
    )
    if request.household_id is not None:  # a common-area request has no tenant to tell
        _tell_tenants([event.pk])
    return request


@write_transaction
def request_triage(*, request, actor, category, priority: str, note: str = ""):
    """Confirm (or correct) the category and the priority of a request to triage: it becomes
    "triaged", or "deferred" when the crisis whitelist holds its category."""
    request = InterventionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (RequestStatus.NEW, RequestStatus.TRIAGED):
        raise RequestRefused(
            _("Only a request to triage can be triaged (this one is “%(status)s”).")
            % {"status": RequestStatus(request.status).label}
        )
    changes = {}
    if request.category_id != category.pk:
        changes["category"] = [request.category_id, category.pk]
    if request.priority != priority:
        changes["priority"] = [request.priority, priority]
    request.category, request.priority = category, priority
    request.triaged_at = timezone.now()
    request.save(update_fields=["category", "priority", "triaged_at", "updated_at"])
    if changes:
        audit.record(
            action="intervention_request.triaged",
            organisation=request.organisation,
            actor=actor,
            obj=request,
            changes=changes,
        )
    state = current_crisis_state(request.organisation)
    held = rules.held_for_restart(
        urgent_only=state.urgent_interventions_only, whitelisted=category.crisis_whitelisted
    )
    target = RequestStatus.DEFERRED if held else RequestStatus.TRIAGED
    if request.status == target:
        return request
    return _apply_move(request, actor=actor, status=target, note=note)


@write_transaction
def request_called_back(*, request, actor):
    """Record that staff called the tenant back (the customer officer's queue empties)."""
    request = InterventionRequest.objects.select_for_update().get(pk=request.pk)
    if request.called_back_at is None:
        request.called_back_at = timezone.now()
        request.save(update_fields=["called_back_at", "updated_at"])
        audit.record(
            action="intervention_request.called_back",
            organisation=request.organisation,
            actor=actor,
            obj=request,
        )
    return request


def request_viewed(*, request, actor, via: str = "web") -> None:
    """Audit that ``actor`` saw the request's sensitive answer (someone ill or vulnerable)."""
    audit.record(
        action="intervention_request.viewed",
        organisation=request.organisation,
        actor=actor,
        obj=request,
        changes={"via": via},
    )
