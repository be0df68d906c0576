"""Read-only JSON API of the housing stock and households (mounted under /api/v1/).

Every query starts from the organisation of the API key (``request.organisation``) through
the housing selectors, so another organisation's id is a 404, the same as a missing one.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Path, Query, Router, Schema
from ninja.pagination import paginate

from relais.api.auth import require_ability
from relais.api.pagination import Pagination
from relais.api.schemas import ERRORS

from . import selectors, services
from .models import Channel, Financing, Typology, Zone

# Ids are 64-bit integers; a larger one could not exist and would overflow the database driver.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
IdFilter = Annotated[int | None, Field(None, ge=1, le=2**63 - 1)]
INSEE_CODE = r"^(?:\d{2}|2[AB])\d{3}$"
# PostgreSQL rejects NUL characters in text parameters: refuse them with a 422 instead.
TEXT = r"^[^\x00]*$"


def _page(queryset: QuerySet) -> QuerySet:
    """A total order, so that pages neither repeat nor skip rows."""
    return queryset.order_by(*queryset.model._meta.ordering, "pk")


# --- Schemas -------------------------------------------------------------------------------


class CommuneOut(Schema):
    code: str = Field(description="INSEE code.")
    name: str
    zone: Zone = Field(description="Zone of the HLM income ceilings.")


class ResidenceOut(Schema):
    id: int
    reference: str
    name: str
    commune: CommuneOut
    agency_id: int | None
    construction_year: int | None
    building_count: int
    dwelling_count: int


class BuildingOut(Schema):
    id: int
    reference: str
    residence_id: int
    address: str
    postcode: str
    commune: CommuneOut
    in_qpv: bool = Field(description="In a priority urban district (QPV).")
    floors: int
    has_lift: bool
    dwelling_count: int


class DwellingOut(Schema):
    id: int
    reference: str
    building_id: int
    residence_id: int
    commune: CommuneOut
    typology: Typology
    surface_m2: Decimal = Field(description="Living area in m², as a decimal string.")
    floor: int
    lift: bool
    accessible: bool = Field(description="Accessible to wheelchair users.")
    financing: Financing
    rent_cents: int = Field(description="Monthly rent, in euro cents.")
    occupied: bool = Field(description="Has a current lease.")
    household_id: int | None = Field(description="Household of the current lease.")

    @staticmethod
    def resolve_residence_id(obj) -> int:
        return obj.building.residence_id

    @staticmethod
    def resolve_commune(obj):
        return obj.building.commune

    @staticmethod
    def resolve_surface_m2(obj) -> Decimal:
        return obj.surface


class HouseholdOut(Schema):
    id: int
    reference: str
    name: str
    created_at: datetime
    occupant_count: int
    dwelling_id: int | None = Field(description="Dwelling of the current lease.")
    dwelling_reference: str | None


class OccupantSensitiveOut(Schema):
    has_disability: bool
    lives_alone: bool
    vulnerability_consent: bool = Field(
        description="Agrees to be on the vulnerable persons register."
    )
    consent_recorded_on: date | None


class OccupantOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: date
    is_holder: bool = Field(description="Lease holder.")
    phone: str = Field(description="E.164, empty when unknown.")
    email: str
    preferred_channel: Channel
    sensitive: OccupantSensitiveOut | None = Field(
        description="Health, isolation and consent: null unless the key's role has "
        "the ability household.view_sensitive."
    )

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone.as_e164 if obj.phone else ""

    @staticmethod
    def resolve_sensitive(obj, context):
        return obj if context["request"].abilities.get("household.view_sensitive") else None


class HouseholdDetailOut(HouseholdOut):
    occupants: list[OccupantOut]

    @staticmethod
    def resolve_occupants(obj):
        return obj.occupants.all()


# --- Filters -------------------------------------------------------------------------------


class ResidenceFilter(FilterSchema):
    commune: Annotated[str | None, FilterLookup("commune_id"), Field(None, pattern=INSEE_CODE)] = (
        None
    )


class BuildingFilter(FilterSchema):
    residence: Annotated[IdFilter, FilterLookup("residence_id")] = None
    commune: Annotated[str | None, FilterLookup("commune_id"), Field(None, pattern=INSEE_CODE)] = (
        None
    )
    in_qpv: Annotated[bool | None, FilterLookup("in_qpv")] = None


class DwellingFilter(FilterSchema):
    typology: Annotated[Typology | None, FilterLookup("typology")] = None
    financing: Annotated[Financing | None, FilterLookup("financing")] = None
    commune: Annotated[
        str | None,
        FilterLookup("building__commune_id"),
        Field(None, pattern=INSEE_CODE, description="INSEE code of the building's commune."),
    ] = None
    residence: Annotated[IdFilter, FilterLookup("building__residence_id")] = None
    building: Annotated[IdFilter, FilterLookup("building_id")] = None
    occupied: Annotated[bool | None, FilterLookup("occupied")] = None
    accessible: Annotated[bool | None, FilterLookup("accessible")] = None


class HouseholdFilter(Schema):
    q: str | None = Field(
        None,
        max_length=100,
        pattern=TEXT,
        description="Part of the name or reference of the household, or of an occupant's name.",
    )


# --- Endpoints -----------------------------------------------------------------------------

residences = Router(tags=["residences"])
buildings = Router(tags=["buildings"])
dwellings = Router(tags=["dwellings"])
households = Router(tags=["households"])


@residences.get("", response={200: list[ResidenceOut], **ERRORS})
@paginate(Pagination)
def residence_list(request, filters: Query[ResidenceFilter]):
    require_ability(request, "housing.view")
    return filters.filter(_page(selectors.residences(request.organisation)))


@residences.get("/{id}", response={200: ResidenceOut, **ERRORS})
def residence_detail(request, id: Id):
    require_ability(request, "housing.view")
    return get_object_or_404(selectors.residences(request.organisation), pk=id)


@buildings.get("", response={200: list[BuildingOut], **ERRORS})
@paginate(Pagination)
def building_list(request, filters: Query[BuildingFilter]):
    require_ability(request, "housing.view")
    return filters.filter(_page(selectors.buildings(request.organisation)))


@buildings.get("/{id}", response={200: BuildingOut, **ERRORS})
def building_detail(request, id: Id):
    require_ability(request, "housing.view")
    return get_object_or_404(selectors.buildings(request.organisation), pk=id)


@dwellings.get("", response={200: list[DwellingOut], **ERRORS})
@paginate(Pagination)
def dwelling_list(request, filters: Query[DwellingFilter]):
    require_ability(request, "housing.view")
    return filters.filter(_page(selectors.dwellings(request.organisation)))


@dwellings.get("/{id}", response={200: DwellingOut, **ERRORS})
def dwelling_detail(request, id: Id):
    require_ability(request, "housing.view")
    return get_object_or_404(selectors.dwellings(request.organisation), pk=id)


@households.get("", response={200: list[HouseholdOut], **ERRORS})
@paginate(Pagination)
def household_list(request, filters: Query[HouseholdFilter]):
    require_ability(request, "household.view")
    queryset = _page(selectors.households(request.organisation))
    if filters.q:
        queryset = selectors.search_households(queryset, filters.q)
    return queryset


@households.get("/{id}", response={200: HouseholdDetailOut, **ERRORS})
def household_detail(request, id: Id):
    """A household and its occupants; every read is audited (``household.viewed``)."""
    require_ability(request, "household.view")
    queryset = selectors.households(request.organisation).prefetch_related("occupants")
    household = get_object_or_404(queryset, pk=id)
    services.household_viewed(
        organisation=request.organisation,
        actor=request.user,
        household=household,
        sensitive=request.abilities["household.view_sensitive"],
        via="api",
    )
    return household
