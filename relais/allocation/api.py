"""JSON API of allocation (mounted under /api/v1/allocation).

``POST /eligibility`` needs no API key: the income ceilings are public rules, and the request
carries no personal data beyond what the caller sends. It runs the same service as the
simulator page (``relais.allocation.eligibility.check_eligibility``).
``GET /applications/{id}/standing`` (API key, ``allocation.view``) gives what an applicant is
told about their score, like the page ``allocation:application_standing``.
"""

from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import ValidationError

from relais.api.auth import require_ability
from relais.api.schemas import ERRORS, Error, ValidationErrorOut
from relais.housing.models import Commune

from .applications.pool import get_application_for_request
from .applications.services import application_viewed
from .eligibility.ceilings import EligibilityError, ceiling_zone, check_eligibility
from .eligibility.rules import CEILING_ZONE_CHOICES
from .scoring.selectors import standing

INSEE_CODE = r"^(?:\d{2}|2[AB])\d{3}$"
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
# The payload's location in ninja's validation errors, so that every 422 reads the same.
PAYLOAD = ("body", "payload")

router = Router(tags=["allocation"])


class EligibilityIn(Schema):
    year: int = Field(ge=1987, le=2100, description="Year of the income ceilings.")
    financing: Literal["PLAI", "PLUS", "PLS", "PLI"] = Field(
        description="Financing of the dwelling (PLI: by the A/B/C zone of the commune)."
    )
    commune_code: str = Field(pattern=INSEE_CODE, description="INSEE code of the commune.")
    persons: int = Field(ge=1, le=20, description="Persons in the household.")
    dependants: int = Field(ge=0, le=19, description="Dependants (personnes à charge).")
    is_couple: bool
    combined_age: int | None = Field(
        None, ge=0, le=250, description="Sum of the couple's ages (for the jeune ménage rule)."
    )
    has_disabled_member: bool = Field(description="A member holds a disability card.")
    reference_income: int = Field(
        ge=0, le=100_000_000, description="Reference income (revenu fiscal de référence), €."
    )


class EligibilityOut(Schema):
    category: int = Field(description="Household category, 1–6.")
    extra_persons: int = Field(description="Persons beyond category 6.")
    zone: Literal[tuple(code for code, _label in CEILING_ZONE_CHOICES)] = Field(
        description="Zone of the commune whose table applies: paris_limitrophes, ile_de_france "
        "or autres_regions (PLAI, PLUS, PLS); abis, a, b1, b2 or c (PLI)."
    )
    ceiling: int = Field(description="Income ceiling, € a year.")
    eligible: bool = Field(description="Reference income ≤ ceiling.")
    explanation: list[str] = Field(description="Each rule applied, in order, in words.")


def _unprocessable(loc: tuple, message: str, kind: str) -> ValidationError:
    return ValidationError([{"type": kind, "loc": [*PAYLOAD, *loc], "msg": message}])


@router.post(
    "/eligibility",
    auth=None,
    response={200: EligibilityOut, 400: Error, 422: ValidationErrorOut},
    summary="Check a household's eligibility to social housing",
)
def eligibility(request, payload: EligibilityIn):
    """Household category, zone, income ceiling and eligibility, with the rules applied.

    Public: no API key needed. 422 when the year or financing has no ceiling table, the
    commune is overseas (``overseas``: no table for the overseas departments), unknown or
    without an A/B/C zone (PLI), or the household is inconsistent (dependants ≥ persons…);
    400 when the body is not JSON.
    """
    commune = Commune.objects.filter(code=payload.commune_code).first()
    if commune is None:
        raise _unprocessable(
            ("commune_code",),
            _("No commune has the INSEE code %(code)s.") % {"code": payload.commune_code},
            "unknown_commune",
        )
    try:
        result = check_eligibility(
            year=payload.year,
            financing=payload.financing,
            zone=ceiling_zone(payload.financing, commune),
            persons=payload.persons,
            dependants=payload.dependants,
            is_couple=payload.is_couple,
            combined_age=payload.combined_age,
            has_disabled_member=payload.has_disabled_member,
            reference_income=payload.reference_income,
        )
    except EligibilityError as error:
        loc = (error.field,) if error.field else ()
        raise _unprocessable(loc, error.message, error.code) from error
    return {**result.__dict__, "explanation": list(result.explanation)}


# What the applicant is told ------------------------------------------------------------------


class CriterionOut(Schema):
    criterion: str = Field(description="The criterion, in words (the request's language).")
    points: int


class StandingOut(Schema):
    epci_code: str = Field(description="SIREN of the EPCI.")
    epci_name: str
    score: int = Field(description="Score on the EPCI's grid.")
    grid: str = Field(description="Name of the grid that scored it (empty when none).")
    explanation: list[CriterionOut]
    position: int = Field(description="1 = first among the similar applications.")
    similar: int = Field(description="Similar applications, this one included.")
    average_waiting_months: Decimal | None = Field(
        description="Average waiting time of the similar applications so far, in months."
    )


@router.get(
    "/applications/{id}/standing",
    response={200: list[StandingOut], **ERRORS},
    summary="An application's score, position and average waiting time in each EPCI",
)
def application_standing(request, id: Id):
    """In each EPCI the application wishes: its score on that EPCI's grid, its position among
    similar applications (the landlord's waiting applications of the EPCI wishing one of the
    same typologies) and their average waiting time. Ability ``allocation.view``; the read is
    audited (``application.viewed``, via ``api``; in both chains for another landlord's file of
    the shared pool); an id the organisation may not read is a 404.
    """
    require_ability(request, "allocation.view")
    application = get_application_for_request(request, pk=id)
    application_viewed(
        actor=request.user, application=application, via="api", reader=request.organisation
    )
    return [
        {
            **item.__dict__,
            "grid": item.grid_name,
            "explanation": [
                {"criterion": label, "points": points} for label, points in item.explanation
            ],
        }
        for item in standing(application)
    ]
