"""Reads for housing pages: scoped, with what the tables show joined in one query."""

from django.db.models import Count, OuterRef, Q, Subquery

from .models import Building, Dwelling, Household, Lease, Occupant, Residence


def residences(organisation):
    return (
        Residence.objects.for_organisation(organisation)
        .select_related("commune", "agency")
        .annotate(
            building_count=Count("buildings", distinct=True),
            dwelling_count=Count("buildings__dwellings", distinct=True),
        )
    )


def buildings(organisation):
    return (
        Building.objects.for_organisation(organisation)
        .select_related("residence", "commune")
        .annotate(dwelling_count=Count("dwellings"))
    )


def _current_lease(field: str):
    return Lease.objects.filter(end_date__isnull=True, **{field: OuterRef("pk")})


def dwellings(organisation):
    current = _current_lease("dwelling")
    return (
        Dwelling.objects.for_organisation(organisation)
        .select_related("building__residence", "building__commune")
        .with_current_lease()
        .annotate(
            household_id=Subquery(current.values("household_id")[:1]),
            household_name=Subquery(current.values("household__name")[:1]),
        )
    )


def households(organisation):
    current = _current_lease("household").select_related("dwelling")
    return Household.objects.for_organisation(organisation).annotate(
        occupant_count=Count("occupants"),
        dwelling_id=Subquery(current.values("dwelling_id")[:1]),
        dwelling_reference=Subquery(current.values("dwelling__reference")[:1]),
        commune_name=Subquery(current.values("dwelling__building__commune__name")[:1]),
    )


def search_households(queryset, text: str):
    """Households whose name, reference or an occupant's name contains ``text``."""
    matching = Occupant.objects.filter(
        Q(last_name__icontains=text) | Q(first_name__icontains=text)
    ).values("household_id")
    return queryset.filter(
        Q(name__icontains=text) | Q(reference__icontains=text) | Q(pk__in=matching)
    )


def household_leases(household):
    return household.leases.select_related("dwelling__building__commune").order_by("-start_date")


def dwelling_leases(dwelling):
    return dwelling.leases.select_related("household").order_by("-start_date")


def stock_summary(organisation) -> dict:
    """Headline figures of the organisation's stock (one query per figure, all indexed)."""
    stock = Dwelling.objects.for_organisation(organisation)
    total = stock.count()
    occupied = Lease.objects.for_organisation(organisation).filter(end_date__isnull=True).count()
    return {
        "residences": Residence.objects.for_organisation(organisation).count(),
        "buildings": Building.objects.for_organisation(organisation).count(),
        "dwellings": total,
        "occupied": occupied,
        "vacant": total - occupied,
        "households": Household.objects.for_organisation(organisation).count(),
    }
