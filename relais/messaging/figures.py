"""The situation report's figure of messaging (``relais.continuity.report``).

``messaging.broadcasts``: the messages sent to tenants (e-mails, text messages and letters,
as queued by each broadcast's dispatch, ``Broadcast.counts``) by the broadcasts dispatched in
the seven Europe/Paris days ending on the report's day; None while the organisation has
never written a broadcast (messaging not in use).
"""

import datetime as dt

from django.utils import timezone

from .models import Broadcast

WEEK = 7
CHANNELS = ("email", "sms", "letter")


def week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the seven Europe/Paris days ending on ``day``, as aware datetimes."""
    zone = timezone.get_current_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return end - dt.timedelta(days=WEEK), end


def broadcasts_sent(organisation, day: dt.date) -> int | None:
    """Messages sent to tenants in the week ending on ``day`` (two queries)."""
    broadcasts = Broadcast.objects.for_organisation(organisation)
    if not broadcasts.exists():
        return None
    start, end = week_bounds(day)
    counts = broadcasts.filter(dispatched_at__gte=start, dispatched_at__lt=end).values_list(
        "counts", flat=True
    )
    return sum((found or {}).get(channel, 0) for found in counts for channel in CHANNELS)
