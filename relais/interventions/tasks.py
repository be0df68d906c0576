"""Thin tasks of interventions: they take ids and call ``notify``."""

from django_tasks import task

from .models import InterventionRequest, RequestEvent
from .notify import tell_tenant


@task()
def tell_tenants(event_ids: list[int], released: bool = False) -> int:
    """Tell each request's household of the status its event ``event_ids`` recorded; returns
    how many messages the outbox accepted. Re-running it sends nothing twice (dedupe key)."""
    events = RequestEvent.objects.filter(pk__in=event_ids).select_related(
        "request__organisation", "request__household"
    )
    sent = 0
    for event in events:
        request: InterventionRequest = event.request
        if request.household_id is None:
            continue  # a building's common areas: no tenant asked, nobody to tell
        if request.status != event.status:
            continue  # it moved on since: the newer event tells the tenant
        if tell_tenant(request, event_id=event.pk, released=released) is not None:
            sent += 1
    return sent
