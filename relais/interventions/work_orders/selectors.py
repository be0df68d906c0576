"""Reads of work orders: the staff pages, the technicians' queue and the SLA figures.

SLA figures are set-based: one grouped query with conditional counts, never a loop over rows
(``bench/interventions.py`` measures them at region scale).
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from relais.core.models import Membership
from relais.core.roles import Role

from ..models import Priority, WorkOrder, WorkOrderStatus
from . import sla
from .services import OPEN

# A work order counts in the SLA once its target is known and it is either completed or past
# due while still open (a breach already); declined and cancelled ones are not the
# contractor's visit.
MEASURED = Q(due_at__isnull=False) & (Q(status=WorkOrderStatus.COMPLETED) | Q(status__in=OPEN))


def for_organisation(organisation):
    return WorkOrder.objects.for_organisation(organisation)


def detail(organisation):
    return for_organisation(organisation).select_related(
        "request__household",
        "request__building",
        "request__category",
        "request__dwelling",
        "contractor",
        "created_by",
    )


def overdue(organisation, now):
    return for_organisation(organisation).filter(status__in=OPEN, due_at__lt=now)


def technician_addresses(organisation) -> list[str]:
    """E-mail addresses of the organisation's active technicians (escalations)."""
    return list(
        Membership.objects.filter(organisation=organisation, role=Role.TECHNICIAN, is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


@dataclass(frozen=True)
class SlaRow:
    """Compliance of one group: ``met`` on time of ``measured``; ``rate`` 0–1 or None."""

    key: str
    label: str
    met: int
    measured: int

    @property
    def rate(self) -> float | None:
        return sla.compliance(self.met, self.measured)


def _sla_counts(queryset, now, group: str):
    measured = MEASURED & (Q(status=WorkOrderStatus.COMPLETED) | Q(due_at__lt=now))
    met = Q(status=WorkOrderStatus.COMPLETED, completed_at__lte=F("due_at"))
    return (
        queryset.filter(measured)
        .values(group)
        .annotate(measured=Count("pk"), met=Count("pk", filter=met))
        .order_by(group)
    )


def sla_by_priority(queryset, now) -> list[SlaRow]:
    """SLA compliance per request priority (safety first), from ``queryset`` of work orders."""
    found = {r["request__priority"]: r for r in _sla_counts(queryset, now, "request__priority")}
    return [
        SlaRow(p.value, str(p.label), found[p]["met"], found[p]["measured"])
        for p in Priority
        if p in found
    ]


def sla_by_contractor(queryset, now) -> list[SlaRow]:
    """SLA compliance per contractor, by name."""
    rows = _sla_counts(queryset, now, "contractor_id").annotate(name=F("contractor__name"))
    return sorted(
        (SlaRow(str(r["contractor_id"]), r["name"], r["met"], r["measured"]) for r in rows),
        key=lambda row: row.label,
    )
