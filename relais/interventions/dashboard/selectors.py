"""The interventions dashboard's figures: open urgent requests, SLA compliance by priority and
contractor, the deferred backlog and its age. Each figure is one grouped query over the
organisation's rows, filtered by agency or residence (``bench/interventions.py`` times them at
region scale against the bare SQL aggregate)."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Min, Q

from relais.housing.models import Building, Dwelling, Residence

from ..models import OPEN_STATUSES, InterventionRequest, Priority, RequestStatus, WorkOrder
from ..on_call.rules import URGENT_PRIORITIES
from ..work_orders import selectors as work_orders

# Open and not held for the restart: waiting for staff or a contractor now.
ACTIVE = [status for status in OPEN_STATUSES if status != RequestStatus.DEFERRED]
# Ages of the deferred backlog, in days: (upper bound exclusive or None, label key).
AGE_BUCKETS = ((7, "lt7"), (14, "lt14"), (28, "lt28"), (None, "ge28"))
# The same as plain strings, for the hand-written queries' parameters.
_STATUSES = [str(status) for status in ACTIVE]
_URGENT = sorted(str(priority) for priority in URGENT_PRIORITIES)


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
    """{priority: open requests} for safety and urgent (dispatched or not), in one grouped
    query written by hand (ADR 0037: the ORM's fixed cost was five times this sub-millisecond
    query). A residence or agency scope goes through the request's dwelling, as
    ``Scope.requests`` does."""
    request, dwelling = InterventionRequest._meta.db_table, Dwelling._meta.db_table
    building, residence = Building._meta.db_table, Residence._meta.db_table
    joins, where, params = "", [], [scope.organisation.pk, *_STATUSES, *_URGENT]
    if scope.residence is not None or scope.agency is not None:
        joins = (
            f" JOIN {dwelling} d ON d.id = r.dwelling_id JOIN {building} b ON b.id = d.building_id"
        )
    if scope.residence is not None:
        where.append(" AND b.residence_id = %s")
        params.append(scope.residence.pk)
    if scope.agency is not None:
        joins += f" JOIN {residence} s ON s.id = b.residence_id"
        where.append(" AND s.agency_id = %s")
        params.append(scope.agency.pk)
    statuses = ", ".join(["%s"] * len(_STATUSES))
    urgent = ", ".join(["%s"] * len(_URGENT))
    sql = (
        f"SELECT r.priority, COUNT(*) FROM {request} r{joins} WHERE r.organisation_id = %s "
        f"AND r.status IN ({statuses}) AND r.priority IN ({urgent}){''.join(where)} "
        "GROUP BY r.priority"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = dict(cursor.fetchall())
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
