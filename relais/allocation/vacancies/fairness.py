"""Fairness indicator of allocations (article L441-1 CCH, DOMAIN.md §2).

Outside priority urban districts (QPV), at least 25 % of a year's allocations must go to
applicants of the first income quartile; inside QPV, at least 50 % to applicants outside it.
An allocation here is a first-ranked attribution (plain, ranked or conditional) decided by a
session closed that year; the dwelling's building says whether it is in a QPV; the applicant is
in the first quartile when the reference income is at or below the year's threshold
(``QuartileThreshold``). One aggregate query counts everything.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from ..models import Candidate, DecisionType, QuartileThreshold, SessionStatus

OUTSIDE_QPV_TARGET = Decimal("0.25")  # to first-quartile applicants
INSIDE_QPV_TARGET = Decimal("0.50")  # to applicants outside the first quartile
ATTRIBUTIONS = (DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL)
DECIDED = (SessionStatus.CLOSED, SessionStatus.SEALED)


@dataclass(frozen=True)
class Share:
    """``counted`` allocations out of ``total`` meet the rule, against ``target`` (0–1)."""

    counted: int
    total: int
    target: Decimal

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.counted) / self.total).quantize(Decimal("0.001"), ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        return None if self.share is None else (self.share * 100).quantize(Decimal("0.1"))

    @property
    def target_percent(self) -> int:
        return int(self.target * 100)

    @property
    def met(self) -> bool | None:
        return None if self.share is None else self.share >= self.target


@dataclass(frozen=True)
class Fairness:
    year: int
    threshold: QuartileThreshold | None
    outside_qpv: Share | None  # None when the year has no threshold
    inside_qpv: Share | None


def year_allocations(organisation, year: int):
    """First-ranked attributions of the organisation's sessions closed during ``year``."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    return Candidate.objects.for_organisation(organisation).filter(
        decision__in=ATTRIBUTIONS,
        decided_rank=1,
        item__session__status__in=DECIDED,
        item__session__closed_at__gte=start,
        item__session__closed_at__lt=end,
    )


def fairness(organisation, year: int) -> Fairness:
    threshold = QuartileThreshold.objects.filter(year=year).first()
    if threshold is None:
        return Fairness(year=year, threshold=None, outside_qpv=None, inside_qpv=None)
    in_qpv = Q(item__vacancy__dwelling__building__in_qpv=True)
    first_quartile = Q(application__reference_income__lte=threshold.amount_eur)
    counts = year_allocations(organisation, year).aggregate(
        outside=Count("pk", filter=~in_qpv),
        outside_first=Count("pk", filter=~in_qpv & first_quartile),
        inside=Count("pk", filter=in_qpv),
        inside_others=Count("pk", filter=in_qpv & ~first_quartile),
    )
    return Fairness(
        year=year,
        threshold=threshold,
        outside_qpv=Share(counts["outside_first"], counts["outside"], OUTSIDE_QPV_TARGET),
        inside_qpv=Share(counts["inside_others"], counts["inside"], INSIDE_QPV_TARGET),
    )
