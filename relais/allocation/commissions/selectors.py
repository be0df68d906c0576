"""Reads for the commission and session pages."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from ..eligibility.ceilings import EligibilityError, ceiling_for
from ..models import (
    Application,
    Candidate,
    Commission,
    CommissionInvitation,
    CommissionMember,
    DeclarationKind,
    HousingSituation,
    ItemDeclaration,
    ItemStatus,
    Position,
    PriorityCriterion,
    Seat,
    Session,
    SessionStatus,
    Vacancy,
    VacancyStatus,
)
from ..scoring import services as scoring
from ..scoring.selectors import scores_in_epci
from .sessions import SUSPENSIVE_DOCUMENTS, sent_back_waiting

SEAT_ORDER = {seat: index for index, seat in enumerate(Seat.values)}


def commissions(organisation):
    return Commission.objects.for_organisation(organisation).annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        session_count=Count("sessions", distinct=True),
    )


def pending_invitations(commission):
    """Invitations not yet answered, with only what the inviter typed (no account data)."""
    return (
        CommissionInvitation.objects.filter(commission=commission, answered_at__isnull=True)
        .select_related("commune")
        .order_by("last_name", "first_name", "pk")
    )


def commission_members(commission) -> list[CommissionMember]:
    """Active seats first, in the order of the seats, then by name."""
    members = CommissionMember.objects.filter(commission=commission).select_related(
        "user", "commune"
    )
    return sorted(
        members,
        key=lambda m: (not m.is_active, SEAT_ORDER[m.seat], m.user.last_name, m.user.username),
    )


def sessions(organisation):
    return (
        Session.objects.for_organisation(organisation)
        .select_related("commission")
        .annotate(item_count=Count("items"))
    )


def sent_back_items(organisation):
    """Items sent back that wait for an in-person session of their commission."""
    return sent_back_waiting(organisation=organisation).select_related(
        "session__commission", "vacancy__dwelling__building__commune"
    )


def member_seats(user, organisation):
    return CommissionMember.objects.for_organisation(organisation).filter(user=user, is_active=True)


def sessions_for_member(user, organisation):
    """The open and past sessions of the commissions the user sits on (not those in
    preparation: their agenda may still change)."""
    commission_ids = member_seats(user, organisation).values("commission_id")
    return (
        Session.objects.for_organisation(organisation)
        .filter(commission_id__in=commission_ids)
        .exclude(status=SessionStatus.DRAFT)
        .select_related("commission")
        .annotate(item_count=Count("items"))
        .order_by("-opens_at")
    )


def agenda(session):
    """The session's items with their dwelling and candidates (in proposed order)."""
    candidates = Candidate.objects.select_related("application").order_by("proposed_rank")
    return (
        session.items.select_related("vacancy__dwelling__building__commune")
        .prefetch_related(Prefetch("candidates", queryset=candidates))
        .order_by("position", "pk")
    )


def participation(session) -> dict[int, int]:
    """Per item, how many members recorded at least one position (not what they chose)."""
    rows = (
        Position.objects.filter(candidate__item__session=session)
        .values("candidate__item_id")
        .annotate(members=Count("member", distinct=True))
    )
    return {row["candidate__item_id"]: row["members"] for row in rows}


def conflicts(session) -> dict[int, int]:
    """Per item, how many active voting members declared a conflict of interest on it: they
    are not expected to take position on that item."""
    rows = (
        ItemDeclaration.objects.filter(
            item__session=session,
            kind=DeclarationKind.CONFLICT,
            member__is_active=True,
        )
        .exclude(member__seat=Seat.ADVISORY)
        .values("item_id")
        .annotate(members=Count("member", distinct=True))
    )
    return {row["item_id"]: row["members"] for row in rows}


def voters_count(session) -> int:
    return (
        CommissionMember.objects.filter(commission_id=session.commission_id, is_active=True)
        .exclude(seat=Seat.ADVISORY)
        .count()
    )


def ballot(session, member) -> tuple[dict[int, Position], set[tuple[int, str]]]:
    """A member's own positions (by candidate) and declarations ((item, kind)) in a session."""
    positions = Position.objects.filter(member=member, candidate__item__session=session)
    declarations = ItemDeclaration.objects.filter(member=member, item__session=session)
    return (
        {p.candidate_id: p for p in positions},
        set(declarations.values_list("item_id", "kind")),
    )


def ready_vacancies(organisation):
    """Vacancies that can go on an agenda: ready, or back from a postponed/sent-back item."""
    return (
        Vacancy.objects.for_organisation(organisation)
        .filter(status__in=[VacancyStatus.READY, VacancyStatus.ON_AGENDA])
        .exclude(status=VacancyStatus.ON_AGENDA, agenda_items__status=ItemStatus.PENDING)
        .select_related("dwelling__building__commune")
        .order_by("dwelling__reference")
    )


def applications_by_number(organisation, numbers: list[str]) -> dict[str, Application]:
    found = Application.objects.for_organisation(organisation).filter(
        registration_number__in=numbers
    )
    return {a.registration_number: a for a in found}


def _income_line(application: Application, vacancy, year: int) -> dict:
    dwelling = vacancy.dwelling
    try:
        ceiling = ceiling_for(
            year,
            dwelling.financing,
            dwelling.building.commune.zone,
            application.household_category,
            application.extra_persons,
        )
    except EligibilityError as error:
        return {"ceiling": None, "eligible": None, "problem": error.message}
    return {
        "ceiling": ceiling,
        "eligible": application.reference_income <= ceiling,
        "problem": "",
    }


def candidate_file(candidate: Candidate, session: Session) -> dict:
    """What a commission member needs to decide, and nothing more: no name, address, phone,
    e-mail or birth date."""
    application = candidate.application
    vacancy = candidate.item.vacancy
    dwelling = vacancy.dwelling
    on = timezone.localdate(session.opens_at)
    received = set(application.documents_received or ())
    resources = application.monthly_resources_cents
    cost = dwelling.rent_cents + vacancy.charges_cents
    return {
        "candidate": candidate,
        "registration_number": application.registration_number,
        "waiting_months": scoring.waiting_months(application.first_applied_on, on),
        "first_applied_on": application.first_applied_on,
        "persons": application.persons,
        "dependants": application.dependants,
        "is_couple": application.is_couple,
        "has_disabled_member": application.has_disabled_member,
        "needs_accessible": application.needs_accessible,
        "category": application.household_category,
        "extra_persons": application.extra_persons,
        "reference_income": application.reference_income,
        "income_basis": application.reference_income_basis,
        "income": _income_line(application, vacancy, on.year),
        "monthly_resources_cents": resources,
        "effort_percent": _effort_percent(candidate, cost, resources),
        "benefit_cents": candidate.housing_benefit_cents,
        "remaining_income_cents": candidate.remaining_income_cents,
        "situation": HousingSituation(application.housing_situation).label,
        "priorities": [
            PriorityCriterion(code).label
            for code in application.priority_criteria or ()
            if code in PriorityCriterion.values
        ],
        "score": candidate.score_at_proposal,
        "explanation": scoring.labelled(_explanation(application, vacancy)),
        "missing_documents": [
            code.label for code in SUSPENSIVE_DOCUMENTS if code.value not in received
        ],
        "dwelling": dwelling,
        "vacancy": vacancy,
        "cost_cents": cost,
    }


def _effort_percent(candidate, cost: int, resources: int) -> int | None:
    """The effort rate stored when the candidate was put on the agenda (after the estimated
    housing benefit), else rent and charges over resources."""
    if candidate.effort_rate is not None:
        return round(candidate.effort_rate * 100)
    return round(cost * 100 / resources) if resources else None


def _explanation(application, vacancy) -> list:
    """The explanation of the score on the grid of the dwelling's EPCI (ADR 0033), else of the
    main score."""
    epci_id = vacancy.dwelling.building.commune.epci_id
    found = scores_in_epci([application.pk], epci_id).get(application.pk)
    return found[1] if found else application.score_explanation or []
