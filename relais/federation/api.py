"""Read API of the federation's indicators (mounted under /api/v1/federation) for national
bodies: a key of a ``federation_analyst`` membership reads its federation's aggregates, small
counts suppressed exactly as in the CSV exports (``opendata.exports``)."""

from django.http import Http404
from ninja import Field, Query, Router, Schema

from relais.api.auth import require_ability
from relais.api.schemas import ERRORS

from .indicators.registry import Week
from .opendata import exports

router = Router(tags=["federation"])


class WeekQuery(Schema):
    week: str = Field(..., description="ISO week, e.g. 2026-W48 (or a date of the week).")


class MemberFigureOut(Schema):
    week: str
    week_start: str
    member: str
    siren: str
    departement: str
    indicator: str
    unit: str = Field(description="count, percent (0-100), days or cents.")
    value: float | None = Field(description="Null when suppressed (fewer than 5 people).")
    suppressed: bool
    source: str = Field(description="computed or submitted.")


class RegionalOut(Schema):
    week: str
    indicator: str
    unit: str
    value: float | None
    members: int
    suppressed_members: int
    median: float | None


def _federation_week(request, query: WeekQuery):
    require_ability(request, "federation.export")
    federation = request.organisation.federation
    if federation is None:
        raise Http404
    try:
        return federation, Week.parse(query.week)
    except ValueError as error:
        raise Http404 from error


@router.get("/members", response={200: list[MemberFigureOut], **ERRORS})
def member_figures(request, query: Query[WeekQuery]):
    """Each member's figures of the week (the rows of the week's CSV)."""
    federation, week = _federation_week(request, query)
    return exports.member_rows(federation, week)


@router.get("/regional", response={200: list[RegionalOut], **ERRORS})
def regional_figures(request, query: Query[WeekQuery]):
    """The region's figure of each indicator for the week."""
    federation, week = _federation_week(request, query)
    return exports.regional_rows(federation, week)
