"""First-quartile indicator of allocations, as article L441-1 CCH counts it (DOMAIN.md §2).

Outside priority urban districts (QPV), at least 25 % of a year's allocations **followed by a
signed lease** go to applicants of the first quartile, or to households rehoused by an
urban-renewal operation; inside QPV, at least 50 % go to applicants outside the first quartile.
Both are counted per EPCI (the threshold is set per EPCI and year by arrêté) and for the
landlord over the EPCIs that have a threshold.

- **Allocation followed by a signed lease**: a vacancy whose lease was signed during the year
  (``Vacancy.lease_signed_on``), and the application whose offer for it was accepted (the last
  accepted one, should an earlier tenant-to-be have withdrawn). The year is the lease's.
- **First quartile**: the household's yearly resources per consumption unit at or below the
  EPCI's threshold for the year (``QuartileThreshold``; the arrêté gives "the highest
  resources of the quartile", so the threshold itself is in it). Resources are those the
  arrêté counts: the monthly resources declared in the application × 12.
- **Consumption units**: the scale of INSEE (the "modified OECD" scale) that the threshold is
  computed on: 1 for the first adult, 0.5 for every other member aged 14 or more, 0.3 for
  every member under 14 (docs/decisions/0033). Kept in tenths so the comparison is exact in
  integers: ``monthly cents × 12 × 10 ≤ threshold € × 100 × units×10``.

One aggregate query, grouped by EPCI, counts everything.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from relais.housing.models import Epci

from ..models import Letter, LetterKind, OfferAnswer, QuartileThreshold, VacancyStatus

OUTSIDE_QPV_TARGET = Decimal("0.25")  # to first-quartile applicants (or urban-renewal rehousing)
INSIDE_QPV_TARGET = Decimal("0.50")  # to applicants outside the first quartile
# Consumption units in tenths (INSEE "modified OECD" scale).
FIRST_ADULT_UC10, OTHER_UC10, UNDER_14_UC10 = 10, 5, 3


def consumption_units(persons: int, members_under_14: int) -> Decimal:
    """Consumption units of a household: 1 + 0.5 per other member ≥ 14 + 0.3 per member < 14.

    >>> consumption_units(4, 2)  # a couple with two young children
    Decimal('2.1')
    """
    tenths = FIRST_ADULT_UC10 + OTHER_UC10 * (persons - 1 - members_under_14)
    return Decimal(tenths + UNDER_14_UC10 * members_under_14) / 10


def income_per_unit(monthly_resources_cents: int, persons: int, members_under_14: int) -> int:
    """Yearly resources per consumption unit, in whole euros (rounded down)."""
    units = consumption_units(persons, members_under_14)
    return int(Decimal(monthly_resources_cents * 12) / 100 / units)


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
class Territory:
    """One EPCI's figures (or the landlord's, ``epci`` None) for the year."""

    epci: Epci | None
    threshold: int | None  # € a year per consumption unit; None: not entered
    outside_qpv: Share
    inside_qpv: Share


@dataclass(frozen=True)
class Fairness:
    year: int
    landlord: Territory  # the EPCIs with a threshold, together
    epcis: list[Territory]  # every EPCI where a lease was signed, by name
    uncounted: int  # allocations in EPCIs (or communes without EPCI) without a threshold


def leased_allocations(organisation, year: int):
    """Accepted offers of the organisation whose vacancy's lease was signed during ``year``,
    one per vacancy (the last accepted)."""
    vacancy = "candidate__item__vacancy"
    later = Letter.objects.filter(
        kind=LetterKind.OFFER,
        answer=OfferAnswer.ACCEPTED,
        candidate__item__vacancy_id=OuterRef(f"{vacancy}_id"),
        answered_at__gt=OuterRef("answered_at"),
    )
    return Letter.objects.for_organisation(organisation).filter(
        ~Exists(later),
        kind=LetterKind.OFFER,
        answer=OfferAnswer.ACCEPTED,
        **{
            f"{vacancy}__status": VacancyStatus.LET,
            f"{vacancy}__lease_signed_on__gte": dt.date(year, 1, 1),
            f"{vacancy}__lease_signed_on__lt": dt.date(year + 1, 1, 1),
        },
    )


def _counts(organisation, year: int) -> list[dict]:
    """Per EPCI: the threshold and the four counts (one grouped query)."""
    epci = "candidate__item__vacancy__dwelling__building__commune__epci_id"
    application = "candidate__application__"
    threshold = QuartileThreshold.objects.filter(epci_id=OuterRef(epci), year=year)
    units10 = (
        Value(FIRST_ADULT_UC10)
        + (F(f"{application}persons") - 1 - F(f"{application}members_under_14")) * OTHER_UC10
        + F(f"{application}members_under_14") * UNDER_14_UC10
    )
    rows = leased_allocations(organisation, year).annotate(
        epci_code=F(epci),
        threshold=Subquery(threshold.values("amount_eur")[:1], output_field=IntegerField()),
    )
    first_quartile = Q(
        LessThanOrEqual(
            F(f"{application}monthly_resources_cents") * 120, F("threshold") * 100 * units10
        )
    )
    in_qpv = Q(candidate__item__vacancy__dwelling__building__in_qpv=True)
    renewal = Q(**{f"{application}urban_renewal_rehousing": True})
    return list(
        rows.values("epci_code")
        .annotate(
            amount=Max("threshold"),
            outside=Count("pk", filter=~in_qpv),
            outside_counted=Count("pk", filter=~in_qpv & (first_quartile | renewal)),
            inside=Count("pk", filter=in_qpv),
            # NULL thresholds never reach here counted: the EPCI is then uncounted as a whole.
            inside_counted=Count("pk", filter=in_qpv & ~first_quartile),
        )
        .annotate(sort=Coalesce("epci_code", Value("")))
        .order_by("sort")
    )


def fairness(organisation, year: int) -> Fairness:
    """The indicator of ``organisation``'s allocations of ``year`` (per EPCI and together)."""
    counts = _counts(organisation, year)
    names = Epci.objects.in_bulk([row["epci_code"] for row in counts if row["epci_code"]])
    epcis, uncounted = [], 0
    totals = {"outside": 0, "outside_counted": 0, "inside": 0, "inside_counted": 0}
    for row in counts:
        if row["amount"] is None:
            uncounted += row["outside"] + row["inside"]
        else:
            for key in totals:
                totals[key] += row[key]
        if row["epci_code"]:
            epcis.append(_territory(names.get(row["epci_code"]), row["amount"], row))
    epcis.sort(key=lambda territory: territory.epci.name)
    return Fairness(
        year=year, landlord=_territory(None, None, totals), epcis=epcis, uncounted=uncounted
    )


def _territory(epci, amount, counts) -> Territory:
    known = amount is not None or epci is None
    return Territory(
        epci=epci,
        threshold=amount,
        outside_qpv=Share(
            counts["outside_counted"] if known else 0, counts["outside"], OUTSIDE_QPV_TARGET
        ),
        inside_qpv=Share(
            counts["inside_counted"] if known else 0, counts["inside"], INSIDE_QPV_TARGET
        ),
    )
