"""Reads for the commission and session pages."""

from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..applications.documents import document_status, missing_documents
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
from . import electorate
from .agenda import sent_back_waiting

SEAT_ORDER = {seat: index for index, seat in enumerate(Seat.values)}


def commissions(organisation):
    """With their counts and the internal rules' quorum (the default half when none)."""
    return Commission.objects.for_organisation(organisation).annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        session_count=Count("sessions", distinct=True),
        quorum_ratio=Coalesce(F("rules__quorum_ratio"), Value(Decimal("0.50"))),
    )


def pending_invitations(commission):
    """Invitations not yet answered, with only what the inviter typed (no account data)."""
    return (
        CommissionInvitation.objects.filter(commission=commission, answered_at__isnull=True)
        .select_related("commune", "epci")
        .order_by("last_name", "first_name", "pk")
    )


def commission_members(commission) -> list[CommissionMember]:
    """Active seats first, in the order of the seats, then by name."""
    members = CommissionMember.objects.filter(commission=commission).select_related(
        "user", "commune", "epci"
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


def item_counts(session, items) -> dict[int, dict]:
    """Per item, for the staff following a session (how many took part, never what they chose):

    ``base`` — its electorate (fixed at the opening; before it, the one it would have today)
    minus the members who declared a conflict on it; ``voted`` — base members with at least one
    position; ``late`` — members seated after the opening who took position (they vote, but are
    not in the base). Three queries whatever the number of items.
    """
    members = electorate.active_members(session.commission_id)
    voted: dict[int, set[int]] = {}
    rows = (
        Position.objects.filter(candidate__item__session=session)
        .values_list("candidate__item_id", "member_id")
        .distinct()
    )
    for item_id, member_id in rows:
        voted.setdefault(item_id, set()).add(member_id)
    conflicted: dict[int, set[int]] = {}
    declarations = ItemDeclaration.objects.filter(
        item__session=session, kind=DeclarationKind.CONFLICT
    ).values_list("item_id", "member_id")
    for item_id, member_id in declarations:
        conflicted.setdefault(item_id, set()).add(member_id)
    counts = {}
    for item in items:
        base = set(electorate.item_electorate(item, members)) - conflicted.get(item.pk, set())
        took_part = voted.get(item.pk, set())
        counts[item.pk] = {
            "base": len(base),
            "voted": len(took_part & base),
            "late": len(took_part - base),
        }
    return counts


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


def vacancy_from_query(organisation, value) -> Vacancy | None:
    """The organisation's vacancy named by a query parameter (``?vacancy=12``), else None."""
    if not str(value or "").isdigit():
        return None
    return Vacancy.objects.for_organisation(organisation).filter(pk=int(value)).first()


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
        "income_basis": application.get_reference_income_basis_display(),
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
        # The same status as the staff file (applications/documents.py).
        "documents": document_status(application),
        "missing_documents": missing_documents(application),
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
