"""Writes of the on-call rota: planning shifts, alerting the person on call, escalating to
the next when nobody acknowledges, and the acknowledgement.

The sweep (``tasks.on_call_sweep``, every minute) is set-based: one query finds the urgent
requests reported out of hours that have no alert yet, one the shifts covering now; alerts are
created in bulk (the unique (request, shift) constraint keeps a concurrent sweep from alerting
twice), and escalations are claimed with one conditional UPDATE.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import OPEN_STATUSES, InterventionRequest, OnCallAlert, OnCallShift
from . import notify, rules

# Requests older than this are not sent to the person on call any more (the day staff has
# them in the triage list).
LOOKBACK = dt.timedelta(hours=24)


def ack_delay() -> dt.timedelta:
    """How long the person on call has to acknowledge before the next is alerted."""
    return dt.timedelta(minutes=settings.ON_CALL_ACK_MINUTES)


@write_transaction
def shift_save(*, organisation, actor, shift: OnCallShift) -> OnCallShift:
    created = shift.pk is None
    shift.organisation = organisation
    shift.save()
    audit.record(
        action="on_call_shift.created" if created else "on_call_shift.changed",
        organisation=organisation,
        actor=actor,
        obj=shift,
        changes={
            "agency": shift.agency.name,
            "person_name": shift.person_name,
            "starts_at": shift.starts_at.isoformat(),
            "ends_at": shift.ends_at.isoformat(),
            "rank": shift.rank,
        },
    )
    return shift


@write_transaction
def shift_delete(*, organisation, actor, shift: OnCallShift) -> None:
    """Remove a shift nobody was alerted on (an alerted shift is history: it stays)."""
    audit.record(action="on_call_shift.deleted", organisation=organisation, actor=actor, obj=shift)
    shift.delete()


def _covering(organisation_ids, agency_ids, now):
    """{(organisation id, agency id): [shifts covering ``now``, by rank]}."""
    found = {}
    shifts = OnCallShift.objects.filter(
        organisation_id__in=organisation_ids,
        agency_id__in=agency_ids,
        starts_at__lte=now,
        ends_at__gt=now,
    ).order_by("rank", "starts_at", "pk")
    for shift in shifts:
        found.setdefault((shift.organisation_id, shift.agency_id), []).append(shift)
    return found


def _agency(request) -> int | None:
    """The agency of the request's dwelling, or of the building of a common-area request."""
    if request.dwelling_id:
        return request.dwelling.building.residence.agency_id
    return request.building.residence.agency_id if request.building_id else None


def _to_alert(now):
    """Open urgent requests of the last day, with a dwelling (or a building: common areas),
    and no alert yet."""
    return (
        InterventionRequest.objects.filter(
            status__in=OPEN_STATUSES,
            priority__in=rules.URGENT_PRIORITIES,
            reported_at__gte=now - LOOKBACK,
        )
        .filter(Q(dwelling__isnull=False) | Q(building__isnull=False))
        .exclude(Exists(OnCallAlert.objects.filter(request=OuterRef("pk"))))
        .select_related("dwelling__building__residence", "building__residence")
    )


def _sent_at(now) -> set[int]:
    return set(OnCallAlert.objects.filter(sent_at=now).values_list("pk", flat=True))


def alert_new_requests(now) -> set[int]:
    """Alert rank 1 (or the lowest rank on duty) for each urgent request reported out of
    hours; returns the ids of the alerts sent at ``now``."""
    requests = [
        r
        for r in _to_alert(now)
        if rules.needs_on_call(priority=r.priority, reported_at=r.reported_at)
        and _agency(r) is not None
    ]
    if not requests:
        return set()
    covering = _covering({r.organisation_id for r in requests}, {_agency(r) for r in requests}, now)
    alerts = [
        OnCallAlert(organisation_id=r.organisation_id, request=r, shift=shifts[0], sent_at=now)
        for r in requests
        if (shifts := covering.get((r.organisation_id, _agency(r))))
    ]
    OnCallAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    return _sent_at(now)


def escalate_unacknowledged(now) -> int:
    """For each alert unanswered after ``ack_delay()`` (its request still open, no alert of
    the request acknowledged), alert the next rank on duty (if any); returns how many alerts
    were escalated."""
    acknowledged = OnCallAlert.objects.filter(
        request=OuterRef("request"), acknowledged_at__isnull=False
    )
    stale = OnCallAlert.objects.filter(
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        sent_at__lte=now - ack_delay(),
        request__status__in=OPEN_STATUSES,
    ).exclude(Exists(acknowledged))
    stale.update(escalated_at=now)
    claimed = list(OnCallAlert.objects.filter(escalated_at=now).select_related("shift"))
    if not claimed:
        return 0
    covering = _covering(
        {a.organisation_id for a in claimed}, {a.shift.agency_id for a in claimed}, now
    )
    already = set(
        OnCallAlert.objects.filter(request__in=[a.request_id for a in claimed]).values_list(
            "request_id", "shift_id"
        )
    )
    alerts = []
    for alert in claimed:
        shifts = covering.get((alert.organisation_id, alert.shift.agency_id), [])
        following = [
            s
            for s in shifts
            if s.rank > alert.shift.rank and (alert.request_id, s.pk) not in already
        ]
        if following:
            alerts.append(
                OnCallAlert(
                    organisation_id=alert.organisation_id,
                    request_id=alert.request_id,
                    shift=following[0],
                    sent_at=now,
                )
            )
    OnCallAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    return len(claimed)


def sweep(now=None) -> tuple[int, int]:
    """Alert the new urgent requests and escalate the unanswered alerts; the SMS are queued
    after commit. Returns (alerted, escalated). ``now`` must be unique to the run."""
    now = now or timezone.now()
    with transaction.atomic():
        alerted = alert_new_requests(now)
        escalated = escalate_unacknowledged(now)
        ids = _sent_at(now)
        transaction.on_commit(lambda: _send(ids))
    return len(alerted), escalated


def _send(alert_ids) -> None:
    related = ("organisation", "shift", "request__category")
    for alert in OnCallAlert.objects.filter(pk__in=alert_ids).select_related(*related):
        notify.alert(alert)


@write_transaction
def alert_acknowledge(*, alert: OnCallAlert, actor=None) -> OnCallAlert:
    """The person on call takes the request: the escalation stops. Idempotent."""
    alert = OnCallAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor if actor is not None and actor.is_authenticated else None
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(
            action="on_call_alert.acknowledged",
            organisation=alert.organisation,
            actor=alert.acknowledged_by,
            obj=alert,
            changes={"person_name": alert.shift.person_name},
        )
    return alert
