"""Outreach's figures in continuity's daily situation report (``relais.continuity.report``).

Each covers the seven Europe/Paris days ending on the report's day and is one aggregate query
(no personal data); ``None`` ("not in use") when the organisation has never run a campaign.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Call, Campaign, Referral

WEEK_DAYS = 7


def week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the seven Europe/Paris days ending on ``day``, as aware datetimes."""
    zone = timezone.get_current_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return end - dt.timedelta(days=WEEK_DAYS), end


def _in_use(organisation) -> bool:
    return Campaign.objects.filter(organisation=organisation).exists()


def calls(organisation, day: dt.date) -> int | None:
    """Call attempts recorded in the week (any outcome), or None without any campaign."""
    if not _in_use(organisation):
        return None
    start, end = week_bounds(day)
    return Call.objects.filter(
        organisation=organisation, called_at__gte=start, called_at__lt=end
    ).count()


def escalations(organisation, day: dt.date) -> int | None:
    """Referrals sent to social services in the week (needs, or unreachable after a
    caretaker's visit), or None without any campaign."""
    if not _in_use(organisation):
        return None
    start, end = week_bounds(day)
    return Referral.objects.filter(
        organisation=organisation, sent_at__gte=start, sent_at__lt=end
    ).count()


def register() -> None:
    from relais.continuity.report import register_figure

    register_figure(
        "outreach.calls",
        _("Calls to vulnerable tenants (7 days)"),
        calls,
        capability="outreach",
        order=41,
    )
    register_figure(
        "outreach.escalations",
        _("Referrals to social services (7 days)"),
        escalations,
        capability="outreach",
        order=42,
    )
