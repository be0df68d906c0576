"""Reservation reads for pages: the yearly balance per agreement, the share of each holder's
allocations that went to DALO and priority households, and the overdue DALO households."""

import datetime as dt
from dataclasses import dataclass

from ..models import (
    TYPOLOGY_BITS,
    ApplicationStatus,
    Candidate,
    DecisionType,
    Designation,
    ReservationAgreement,
    VacancyAssignment,
    VacancyStatus,
)
from . import rules

WAITING = (ApplicationStatus.ACTIVE, ApplicationStatus.PROPOSED)
ATTRIBUTED = (DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL)
DECIDED = (VacancyStatus.ALLOCATED, VacancyStatus.LET)
# At least 25 % of each holder's allocations go to DALO and priority households (L441-1 CCH).
PRIORITY_TARGET_PERCENT = 25


@dataclass
class BalanceRow:
    agreement: ReservationAgreement
    flow: int  # vacancies of the year under the agreement's scope
    owed: int
    assigned: int
    designated: int
    allocated: int

    @property
    def gap(self) -> int:
        """Assigned minus owed (negative: behind)."""
        return self.assigned - self.owed


@dataclass
class HolderShare:
    holder: object
    allocated: int
    priority: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.priority / self.allocated) if self.allocated else None

    @property
    def on_target(self) -> bool:
        return self.percent is not None and self.percent >= PRIORITY_TARGET_PERCENT


def agreements_of_year(organisation, year: int):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        ReservationAgreement.objects.for_organisation(organisation)
        .filter(starts_on__lte=end, ends_on__gte=start)
        .select_related("holder__organisation")
        .prefetch_related("communes")
    )


def _assignment_rows(organisation, year: int) -> list[dict]:
    return list(
        VacancyAssignment.objects.for_organisation(organisation)
        .filter(year=year)
        .values(
            "pk",
            "agreement_id",
            "commune_id",
            "commune__departement_id",
            "typology",
            "vacancy_id",
            "vacancy__status",
        )
    )


def _attributed_priority(vacancy_ids) -> dict[int, bool]:
    """vacancy id → whether its attributed (first-ranked) candidate is a DALO or priority
    household (any priority criterion of article L441-1 CCH)."""
    rows = (
        Candidate.objects.filter(item__vacancy_id__in=vacancy_ids, decision__in=ATTRIBUTED)
        .order_by("item__vacancy_id", "decided_rank", "-item_id")
        .values_list("item__vacancy_id", "application__priority_criteria")
    )
    found: dict[int, bool] = {}
    for vacancy_id, criteria in rows:
        found.setdefault(vacancy_id, bool(criteria))
    return found


def balance(organisation, year: int) -> tuple[list[BalanceRow], list[HolderShare]]:
    """The year's balance: one row per agreement in force during ``year`` and one share per
    holder (allocations of its flow; how many went to DALO or priority households)."""
    rows = _assignment_rows(organisation, year)
    designated = set(
        Designation.objects.for_organisation(organisation)
        .filter(assignment__year=year)
        .values_list("assignment_id", flat=True)
    )
    decided = [
        r["vacancy_id"] for r in rows if r["agreement_id"] and r["vacancy__status"] in DECIDED
    ]
    priority = _attributed_priority(decided)
    lines, shares = [], {}
    for agreement in agreements_of_year(organisation, year):
        scope = rules.Scope(
            agreement.departement_id,
            frozenset(c.code for c in agreement.communes.all()),
            agreement.typology_mask,
        )
        flow = sum(
            1
            for r in rows
            if rules.covers(
                scope,
                commune=r["commune_id"],
                departement=r["commune__departement_id"],
                typology_bit=TYPOLOGY_BITS.get(r["typology"], 0),
            )
        )
        mine = [r for r in rows if r["agreement_id"] == agreement.pk]
        allocated = [r for r in mine if r["vacancy__status"] in DECIDED]
        lines.append(
            BalanceRow(
                agreement=agreement,
                flow=flow,
                owed=rules.owed(agreement.share_percent, flow),
                assigned=len(mine),
                designated=sum(1 for r in mine if r["pk"] in designated),
                allocated=len(allocated),
            )
        )
        share = shares.setdefault(agreement.holder_id, HolderShare(agreement.holder, 0, 0))
        share.allocated += len(allocated)
        share.priority += sum(1 for r in allocated if priority.get(r["vacancy_id"]))
    return lines, list(shares.values())


def overdue_dalo(organisation, today: dt.date):
    """DALO designations past their legal deadline whose household is not housed yet
    (application still active or proposed),
    oldest deadline first."""
    return (
        Designation.objects.for_organisation(organisation)
        .filter(dalo_deadline__lt=today, application__status__in=WAITING)
        .select_related(
            "application",
            "assignment__agreement__holder__organisation",
            "assignment__vacancy__dwelling",
            "assignment__commune",
        )
        .order_by("dalo_deadline", "pk")
    )
