"""Reads of contractors: the list page and the suggestions for a request."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from ..models import Contractor, OperatingStatus

# Operating first, then reduced activity, stopped last (shown: they may have restarted).
STATUS_ORDER = Case(
    When(operating_status=OperatingStatus.OPERATING, then=Value(0)),
    When(operating_status=OperatingStatus.REDUCED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
STOPPED_LAST = Case(
    When(operating_status=OperatingStatus.STOPPED, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def contractor_list(organisation):
    return (
        Contractor.objects.for_organisation(organisation)
        .prefetch_related("trades")
        .annotate(contact_count=Count("contacts", distinct=True))
        .order_by("-is_active", "name")
    )


def suggestions(request, *, limit: int = 10):
    """Active contractors for ``request``, the best first: those whose trades include the
    request's category (or its family), then who serve its residence or commune (or
    everywhere), operating before reduced; stopped contractors come last whatever they
    match. Returns a list of contractors, each with ``matches_trade`` and ``matches_sector``."""
    category = request.category
    trades = [category.pk] + ([category.parent_id] if category.parent_id else [])
    building = request.dwelling.building if request.dwelling_id else None
    residence_id = building.residence_id if building else None
    commune_id = building.commune_id if building else None
    sector = (
        Q(residences__isnull=True, communes__isnull=True)
        | Q(residences=residence_id)
        | Q(communes=commune_id)
    )
    found = (
        Contractor.objects.for_organisation(request.organisation)
        .filter(is_active=True)
        .annotate(
            trade_hits=Count("trades", filter=Q(trades__in=trades), distinct=True),
            sector_hits=Count("pk", filter=sector, distinct=True),
        )
        .order_by(STOPPED_LAST, "-trade_hits", "-sector_hits", STATUS_ORDER, "name")[:limit]
    )
    rows = list(found)
    for contractor in rows:
        contractor.matches_trade = contractor.trade_hits > 0
        contractor.matches_sector = contractor.sector_hits > 0
    return rows
