"""What an applicant is told about their score (DOMAIN.md §2, article L441-2-8 CCH): in each
EPCI they wish, their score, the average waiting time of similar applications and their
position among them.

**Similar applications** (our reading, docs/decisions/0033): the landlord's applications still
waiting (active or proposed) that have a score in the same EPCI and wish at least one of the
same typologies (an application stating none wishes every typology). **Position**: 1 + the
similar applications ranked before it in the EPCI's order (score, then seniority, then
number). **Average waiting time**: of those similar applications, counted in calendar months
from the month of first application to this month (one decimal).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from ..models import Application, ApplicationScore
from .services import SCORED_STATUSES, labelled


@dataclass(frozen=True)
class Standing:
    """The applicant's standing in one EPCI."""

    epci_code: str
    epci_name: str
    score: int
    explanation: list[tuple[str, int]]  # (sentence, points)
    grid_name: str  # the grid that scored it ("" when none)
    position: int  # 1 = first
    similar: int  # similar applications, this one included
    average_waiting_months: Decimal | None  # None when nothing is similar (never: it counts)


def _similar(row: ApplicationScore, application: Application):
    """The similar applications of ``row``'s EPCI (this one included), whichever landlord
    registered them: the candidate search ranks the shared pool (ADR 0046), so the position
    is among the same applications, on the index ``application_score_pool``."""
    similar = ApplicationScore.objects.filter(
        epci_id=row.epci_id,
        application__status__in=SCORED_STATUSES,
    )
    if application.typology_mask:
        shared = F("application__typology_mask").bitand(application.typology_mask)
        similar = similar.filter(Q(application__typology_mask=0) | GreaterThan(shared, 0))
    return similar


def standing(application: Application, on: dt.date | None = None) -> list[Standing]:
    """One ``Standing`` per EPCI the application has a score in, by EPCI name.

    1 + one aggregate query per EPCI (an application wishes one to three, rarely more).
    """
    on = on or timezone.localdate()
    rows = application.epci_scores.select_related("epci", "scored_with").order_by("epci__name")
    month_index = ExtractYear("first_applied_on") * 12 + ExtractMonth("first_applied_on")
    result = []
    for row in rows:
        before = (
            Q(score__gt=row.score)
            | Q(score=row.score, first_applied_on__lt=row.first_applied_on)
            | Q(
                score=row.score,
                first_applied_on=row.first_applied_on,
                application_id__lt=application.pk,
            )
        )
        figures = _similar(row, application).aggregate(
            similar=Count("pk"), before=Count("pk", filter=before), month=Avg(month_index)
        )
        average = None
        if figures["month"] is not None:
            waited = Decimal(on.year * 12 + on.month) - Decimal(str(figures["month"]))
            average = waited.quantize(Decimal("0.1"), ROUND_HALF_UP)
        result.append(
            Standing(
                epci_code=row.epci_id,
                epci_name=row.epci.name,
                score=row.score,
                explanation=labelled(row.explanation),
                grid_name=row.scored_with.name if row.scored_with else "",
                position=figures["before"] + 1,
                similar=figures["similar"],
                average_waiting_months=average,
            )
        )
    return result


def scores_in_epci(application_ids, epci_id: str | None) -> dict[int, tuple[int, list]]:
    """Application id → (score, explanation) in the EPCI ``epci_id`` (the EPCI of a vacancy),
    for those that have one there; one query. Callers fall back to the main score."""
    if not epci_id:
        return {}
    rows = ApplicationScore.objects.filter(
        application_id__in=list(application_ids), epci_id=epci_id
    )
    return {
        pk: (score, explanation)
        for pk, score, explanation in rows.values_list("application_id", "score", "explanation")
    }
