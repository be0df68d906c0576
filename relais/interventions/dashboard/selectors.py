"""The interventions dashboard's figures: open urgent requests, SLA compliance by priority and
contractor, the deferred backlog and its age. Each figure is one grouped query over the
organisation's rows, filtered by agency or residence (``bench/interventions.py`` times them at
region scale against the bare SQL aggregate)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from ..models import OPEN_STATUSES, InterventionRequest, Priority, RequestStatus, WorkOrder
from ..on_call.rules import URGENT_PRIORITIES
from ..work_orders import selectors as work_orders

# Open and not held for the restart: waiting for staff or a contractor now.
ACTIVE = [status for status in OPEN_STATUSES if status != RequestStatus.DEFERRED]
# Ages of the deferred backlog, in days: (upper bound exclusive or None, label key).
AGE_BUCKETS = ((7, "lt7"), (14, "lt14"), (28, "lt28"), (None, "ge28"))


@dataclass(frozen=True)
class Scope:
    """Which requests the dashboard looks at: the organisation's, optionally one agency's or
    one residence's (by the request's dwelling)."""

    organisation: object
    agency: object = None
    residence: object = None

    def _place(self, prefix: str) -> Q:
        q = Q()
        if self.residence is not None:
            q &= Q(**{f"{prefix}dwelling__building__residence": self.residence})
        if self.agency is not None:
            q &= Q(**{f"{prefix}dwelling__building__residence__agency": self.agency})
        return q

    def requests(self):
        return InterventionRequest.objects.for_organisation(self.organisation).filter(
            self._place("")
        )

    def work_orders(self):
        return WorkOrder.objects.for_organisation(self.organisation).filter(
            self._place("request__")
        )


def open_urgent(scope: Scope) -> dict[str, int]:
    """{priority: open requests} for safety and urgent (dispatched or not)."""
    rows = (
        scope.requests()
        .filter(status__in=ACTIVE, priority__in=URGENT_PRIORITIES)
        .values("priority")
        .annotate(n=Count("pk"))
    )
    found = {r["priority"]: r["n"] for r in rows}
    return {p: found.get(p, 0) for p in (Priority.SAFETY, Priority.URGENT)}


def backlog_age(scope: Scope, now: dt.datetime) -> tuple[dict[str, int], dt.datetime | None]:
    """({age bucket: deferred requests}, the oldest ``deferred_at``), in one query."""
    deferred = scope.requests().filter(status=RequestStatus.DEFERRED)
    counts, lower = {}, None
    for days, key in AGE_BUCKETS:
        q = Q()
        if days is not None:
            q &= Q(deferred_at__gt=now - dt.timedelta(days=days))
        if lower is not None:
            q &= Q(deferred_at__lte=now - dt.timedelta(days=lower))
        counts[key] = Count("pk", filter=q)
        lower = days
    row = deferred.aggregate(oldest=Min("deferred_at"), **counts)
    oldest = row.pop("oldest")
    return row, oldest


# The SLA figures cover the work orders sent in this window (a quarter: recent enough to act
# on, long enough for contractors with few jobs; and the query reads a quarter, not years).
SLA_WINDOW = dt.timedelta(days=90)


def sla(scope: Scope, now):
    """(by priority, by contractor): ``work_orders.selectors.SlaRow`` lists, over the work
    orders sent in the last ``SLA_WINDOW``."""
    found = scope.work_orders().filter(sent_at__gte=now - SLA_WINDOW)
    return work_orders.sla_by_priority(found, now), work_orders.sla_by_contractor(found, now)
