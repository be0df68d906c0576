"""The retention of outreach's personal data (ADR 0039): a closed campaign's data is purged
after its ``retention_days``, leaving anonymous counts; the people who left the register
after ``OUTREACH_LEFT_RETENTION_DAYS``. Written through ``services`` (``campaign_purge``,
``purge_due``), run by ``tasks``."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from relais.core import audit
from relais.core.transactions import write_transaction

from .models import (
    Call,
    CallSheet,
    Campaign,
    CampaignStatus,
    EntryStatus,
    Follow,
    Need,
    Outcome,
    Referral,
    RegisterEntry,
)


def _drop_from_sheets(campaign, follow_ids: set[int]) -> None:
    """Take the campaign's people off the call lists of its days (from its start to its
    close; lists are built only for those), deleting the lists left empty."""
    sheets = CallSheet.objects.select_for_update().filter(
        organisation_id=campaign.organisation_id,
        day__gte=campaign.starts_on,
        day__lte=timezone.localdate(campaign.closed_at),
    )
    for pk, follows in sheets.values_list("pk", "follows"):
        kept = [follow for follow in follows if follow not in follow_ids]
        if not kept:
            CallSheet.objects.filter(pk=pk).delete()
        elif len(kept) < len(follows):
            CallSheet.objects.filter(pk=pk).update(follows=kept)


@write_transaction
def campaign_purge(*, campaign: Campaign) -> dict:
    """Delete the campaign's personal data (follows, calls, needs, referrals, lists), keeping
    anonymous counts in ``campaign.counts``. Idempotent."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.CLOSED:
        return campaign.counts
    follows = Follow.objects.filter(campaign=campaign)
    counts = {
        "people": follows.count(),
        "calls": Call.objects.filter(campaign=campaign).count(),
        "reached": Call.objects.filter(
            campaign=campaign, outcome__in=[Outcome.FINE, Outcome.NEEDS]
        ).count(),
        "needs": Need.objects.filter(follow__campaign=campaign).count(),
        "referrals": Referral.objects.filter(follow__campaign=campaign).count(),
        "escalations": follows.exclude(escalation="").count(),
    }
    _drop_from_sheets(campaign, set(follows.values_list("pk", flat=True)))
    Referral.objects.filter(follow__campaign=campaign).delete()
    follows.delete()  # calls and needs cascade
    campaign.counts, campaign.status, campaign.purged_at = counts, "purged", timezone.now()
    campaign.save(update_fields=["counts", "status", "purged_at"])
    audit.record(
        action="campaign.purged", organisation=campaign.organisation, obj=campaign, changes=counts
    )
    return counts


def purge_due(now: dt.datetime | None = None) -> int:
    """Purge every closed campaign past its retention, and the register entries that left
    more than ``OUTREACH_LEFT_RETENTION_DAYS`` ago with no campaign data left. Returns the
    campaigns purged."""
    from django.conf import settings

    now = now or timezone.now()
    done = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.CLOSED).only(
        "pk", "closed_at", "retention_days"
    ):
        if campaign.closed_at + dt.timedelta(days=campaign.retention_days) <= now:
            campaign_purge(campaign=campaign)
            done += 1
    left_before = now - dt.timedelta(days=settings.OUTREACH_LEFT_RETENTION_DAYS)
    RegisterEntry.objects.filter(
        Q(status=EntryStatus.LEFT) & Q(left_at__lte=left_before) & Q(follows__isnull=True)
    ).delete()
    return done
