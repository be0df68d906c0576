"""Reads for housing pages: scoped, with what the tables show joined in one query.

List annotations are correlated sub-queries, not joins with ``Count``: the paginator's
``COUNT(*)`` then drops them (Django strips unused annotations) and counts the filtered rows
alone, and the page query computes them for its 50 rows only.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from relais.core.search import filter_terms

from .models import Building, Dwelling, Household, Lease, Occupant, Residence


def residences(organisation):
    return (
        Residence.objects.for_organisation(organisation)
        .select_related("commune", "agency")
        .annotate(
            building_count=count_of(Building.objects.all(), "residence"),
            dwelling_count=count_of(Dwelling.objects.all(), "building__residence"),
        )
    )


def buildings(organisation):
    return (
        Building.objects.for_organisation(organisation)
        .select_related("residence", "commune")
        .annotate(dwelling_count=count_of(Dwelling.objects.all(), "building"))
    )


def _current_lease(field: str):
    return Lease.objects.filter(end_date__isnull=True, **{field: OuterRef("pk")})


def dwellings(organisation):
    current = _current_lease("dwelling")
    return (
        Dwelling.objects.for_organisation(organisation)
        .defer("search")
        .select_related("building__residence", "building__commune")
        .with_current_lease()
        .annotate(
            household_id=Subquery(current.values("household_id")[:1]),
            household_name=Subquery(current.values("household__name")[:1]),
        )
    )


def count_of(queryset, field: str):
    """A correlated ``COUNT(*)`` of ``queryset``'s rows whose ``field`` is the outer row."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def households(organisation):
    current = _current_lease("household")
    return (
        Household.objects.for_organisation(organisation)
        .defer("search")
        .annotate(
            occupant_count=count_of(Occupant.objects.all(), "household"),
            dwelling_id=Subquery(current.values("dwelling_id")[:1]),
            dwelling_reference=Subquery(current.values("dwelling__reference")[:1]),
            commune_name=Subquery(current.values("dwelling__building__commune__name")[:1]),
        )
    )


def search_households(queryset, text: str):
    """Households whose name, reference, occupants' names, phones or e-mails, or current
    dwelling's reference contain every word of ``text`` (accents, case, spaces and phone
    spelling ignored: ``relais.core.search``). One table, no sub-query: the household's
    ``search`` column holds all of it."""
    return filter_terms(queryset, text)


def search_dwellings(queryset, text: str):
    """Dwellings whose reference, address, commune or residence name contain ``text``."""
    return filter_terms(queryset, text)


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
