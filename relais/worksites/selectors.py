"""Reads of work sites for pages and cards: the sites with their checklist's progress, the
counts by status, a day's gate log, and the counts per member for the federation."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from relais.core.models import Organisation

from .models import TO_RESTART, ChecklistItem, GateEntry, SiteStatus, WorkSite


def _checklist_count(**filters):
    items = (
        ChecklistItem.objects.filter(site=OuterRef("pk"), **filters)
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), 0)


def with_progress(sites):
    """``sites`` annotated with ``mandatory_total`` and ``mandatory_done`` (correlated
    sub-queries: bounded whatever the number of sites)."""
    return sites.annotate(
        mandatory_total=_checklist_count(mandatory=True),
        mandatory_done=_checklist_count(mandatory=True, done_on__isnull=False),
    )


def site_list(organisation, status: str = ""):
    sites = WorkSite.objects.for_organisation(organisation).select_related("residence")
    if status:
        sites = sites.filter(status=status)
    return with_progress(sites).order_by("name", "pk")


def status_counts(organisation) -> dict[str, int]:
    """status → number of sites (every status, 0 included)."""
    rows = (
        WorkSite.objects.for_organisation(organisation)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(SiteStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def to_restart(organisation):
    """Stopped sites and those preparing their restart, with their progress."""
    sites = WorkSite.objects.for_organisation(organisation).filter(status__in=TO_RESTART)
    return with_progress(sites).order_by("stopped_on", "pk")


def gate_log(site, day):
    return (
        GateEntry.objects.filter(site=site, day=day)
        .select_related("company")
        .order_by("-submitted_at", "-pk")
    )


def regional_counts(federation) -> list[dict]:
    """Per member organisation of ``federation``: its name and how many sites are stopped,
    preparing their restart and restarted — counts only, nothing about the sites."""
    members = Organisation.objects.filter(federation=federation).order_by("name")
    counted = {
        row["organisation"]: row
        for row in WorkSite.objects.filter(organisation__federation=federation)
        .order_by()
        .values("organisation")
        .annotate(
            stopped=Count("pk", filter=Q(status=SiteStatus.STOPPED)),
            preparing=Count("pk", filter=Q(status=SiteStatus.PREPARING_RESTART)),
            restarted=Count("pk", filter=Q(status=SiteStatus.RESTARTED)),
        )
    }
    empty = {"stopped": 0, "preparing": 0, "restarted": 0}
    return [
        {"name": member.name, **{k: counted.get(member.pk, empty)[k] for k in empty}}
        for member in members
    ]
