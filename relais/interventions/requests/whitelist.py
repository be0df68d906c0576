"""The crisis switch "urgent interventions only" acting on the queue (issue 8 §2).

Switched on: the requests still to triage whose category is not whitelisted are deferred (the
tenant is told they wait for the restart). Switched off: the whole deferred backlog returns to
triage, and a :class:`BacklogRelease` keeps its size and age for the triage page. Both run
inside the transaction that records the switch (``core.crisis.register_switch_listener``), as
set-based updates: one UPDATE and one bulk INSERT of history events, whatever the backlog.
"""

from django.utils import timezone

from relais.core import audit

from ..models import BacklogRelease, InterventionRequest, RequestEvent, RequestStatus
from . import rules
from .services import _tell_tenants


def _move_all(ids: list[int], *, organisation, actor, status: str, now, values: dict) -> list[int]:
    """Set ``status`` (and ``values``) on the requests ``ids``, with one history event each;
    returns the events' ids (to tell the tenants)."""
    if not ids:
        return []
    InterventionRequest.objects.filter(pk__in=ids).update(status=status, updated_at=now, **values)
    events = RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                organisation=organisation, request_id=pk, status=status, actor=actor, at=now
            )
            for pk in ids
        ]
    )
    if any(event.pk is None for event in events):  # backends that return no ids on bulk insert
        events = RequestEvent.objects.filter(request_id__in=ids, status=status, at=now)
    return [event.pk for event in events]


def hold_pending(*, organisation, actor) -> int:
    """Defer the requests to triage whose category is not whitelisted; returns how many."""
    now = timezone.now()
    pending = InterventionRequest.objects.for_organisation(organisation).filter(
        status=RequestStatus.NEW, category__crisis_whitelisted=False
    )
    event_ids = _move_all(
        list(pending.values_list("pk", flat=True)),
        organisation=organisation,
        actor=actor,
        status=RequestStatus.DEFERRED,
        now=now,
        values={"deferred_at": now, "released_at": None},
    )
    if event_ids:
        audit.record(
            action="intervention_requests.deferred",
            organisation=organisation,
            actor=actor,
            changes={"count": len(event_ids)},
        )
        _tell_tenants(event_ids)
    return len(event_ids)


def release_backlog(*, organisation, actor) -> BacklogRelease:
    """Return every deferred request to triage; the release records how many and how long they
    had waited (mean and longest, in hours, from each one's ``deferred_at``)."""
    now = timezone.now()
    deferred = list(
        InterventionRequest.objects.for_organisation(organisation)
        .filter(status=RequestStatus.DEFERRED)
        .values_list("pk", "deferred_at")
    )
    waits = [(now - deferred_at).total_seconds() for _pk, deferred_at in deferred]
    event_ids = _move_all(
        [pk for pk, _deferred_at in deferred],
        organisation=organisation,
        actor=actor,
        status=RequestStatus.NEW,
        now=now,
        values={"released_at": now},
    )
    release = BacklogRelease.objects.create(
        organisation=organisation,
        released_at=now,
        released_by=actor,
        count=len(event_ids),
        oldest_deferred_at=min((at for _pk, at in deferred), default=None),
        mean_wait_hours=rules.wait_hours(sum(waits) / len(waits)) if waits else 0,
        max_wait_hours=rules.wait_hours(max(waits, default=0)),
    )
    audit.record(
        action="intervention_requests.released",
        organisation=organisation,
        actor=actor,
        obj=release,
        changes={
            "count": release.count,
            "mean_wait_hours": release.mean_wait_hours,
            "max_wait_hours": release.max_wait_hours,
        },
    )
    _tell_tenants(event_ids, released=True)
    return release


def on_switch(*, organisation, actor, on: bool) -> None:
    """The listener registered on "urgent_interventions_only" (see ``contributions``)."""
    if on:
        hold_pending(organisation=organisation, actor=actor)
    else:
        release_backlog(organisation=organisation, actor=actor)
