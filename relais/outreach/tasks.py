"""Thin tasks of outreach (``RELAIS_SCHEDULE``)."""

from django_tasks import task

from relais.core.models import Organisation

from . import services
from .models import Campaign, CampaignStatus


@task()
def build_call_lists() -> int:
    """Build today's call list of every organisation with an active campaign; idempotent
    (run hourly: the morning's first run builds it, later runs add the newly due)."""
    ids = (
        Campaign.objects.filter(status=CampaignStatus.ACTIVE)
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    added = 0
    for organisation in Organisation.objects.filter(pk__in=list(ids)):
        added += services.list_build(organisation=organisation)
    return added


@task()
def purge_outreach_data() -> int:
    """Purge the closed campaigns past their retention; returns campaigns purged."""
    return services.purge_due()
