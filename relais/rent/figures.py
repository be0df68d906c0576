"""The situation report's figure of rent (``relais.continuity.report``).

``rent.collection_rate``: of the rent called for the latest month called on or before the
report's day, the share paid so far (``paid_cents / amount_cents`` of that month's calls,
a 0–1 rate as the report's "percent" unit wants); None while the organisation has no rent
call for that month or before (rent not in use).
"""

import datetime as dt

from django.db.models import Sum

from .models import RentCall


def collection_rate(organisation, day: dt.date) -> float | None:
    """Two queries: the latest month called, then its sums."""
    calls = RentCall.objects.for_organisation(organisation)
    month = (
        calls.filter(month__lte=day.replace(day=1))
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if month is None:
        return None
    found = calls.filter(month=month).aggregate(due=Sum("amount_cents"), paid=Sum("paid_cents"))
    if not found["due"]:
        return 1.0
    return round(found["paid"] / found["due"], 3)
