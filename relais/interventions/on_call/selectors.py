"""Reads of the on-call rota: the planning page and who is on call now (crisis notice)."""

from relais.core.models import Agency

from ..models import OnCallAlert, OnCallShift


def shifts(organisation, *, since, agency=None):
    """Shifts ending after ``since``, by agency then start, with their agency."""
    found = OnCallShift.objects.for_organisation(organisation).filter(ends_at__gt=since)
    if agency is not None:
        found = found.filter(agency=agency)
    return found.select_related("agency", "person").order_by("agency__name", "starts_at", "rank")


def on_call_now(organisation, now) -> dict[int, OnCallShift]:
    """{agency id: the first-ranked shift covering ``now``} (one query)."""
    found = {}
    current = (
        OnCallShift.objects.for_organisation(organisation)
        .filter(starts_at__lte=now, ends_at__gt=now)
        .select_related("agency")
        .order_by("rank", "starts_at", "pk")
    )
    for shift in current:
        found.setdefault(shift.agency_id, shift)
    return found


def agencies(organisation):
    return Agency.objects.for_organisation(organisation).order_by("name")


def recent_alerts(organisation, limit: int = 20):
    return (
        OnCallAlert.objects.for_organisation(organisation)
        .select_related("shift__agency", "request__category", "acknowledged_by")
        .order_by("-sent_at", "-pk")[:limit]
    )
