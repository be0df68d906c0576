"""Allocation models, one module per sub-domain; every class is re-exported here.

Read ../shared/domain/DOMAIN.md §1–2 for the rules these models carry. Everything tenant-owned
inherits ``OrganisationOwned``; income ceilings, scoring grids and first-quartile thresholds are
shared reference data. The app label stays ``allocation`` and the tables keep their names.
"""

from .applications import (
    TYPOLOGY_BITS,
    Application,
    ApplicationQuerySet,
    ApplicationStatus,
    HousingSituation,
    PriorityCriterion,
    current_income_year,
    registration_number_validator,
)
from .commissions import (
    VOTING_SEATS,
    AgendaItem,
    Candidate,
    Commission,
    CommissionInvitation,
    CommissionMember,
    DecisionType,
    DeclarationKind,
    FewCandidatesReason,
    ItemDeclaration,
    ItemStatus,
    Position,
    PositionChoice,
    Seat,
    Session,
    SessionKind,
    SessionStatus,
)
from .eligibility import CeilingFinancing, CommuneAbcZone, IncomeCeiling
from .letters import Letter, LetterKind, OfferAnswer, ReceiptKind
from .scoring import ApplicationScore, ScoringGrid
from .vacancies import QuartileThreshold, Vacancy, VacancyStatus

__all__ = [
    "TYPOLOGY_BITS",
    "VOTING_SEATS",
    "AgendaItem",
    "Application",
    "ApplicationScore",
    "ApplicationQuerySet",
    "ApplicationStatus",
    "Candidate",
    "CeilingFinancing",
    "Commission",
    "CommissionInvitation",
    "CommissionMember",
    "CommuneAbcZone",
    "DecisionType",
    "DeclarationKind",
    "FewCandidatesReason",
    "HousingSituation",
    "IncomeCeiling",
    "ItemDeclaration",
    "ItemStatus",
    "Letter",
    "LetterKind",
    "OfferAnswer",
    "Position",
    "PositionChoice",
    "PriorityCriterion",
    "QuartileThreshold",
    "ReceiptKind",
    "ScoringGrid",
    "Seat",
    "Session",
    "SessionKind",
    "SessionStatus",
    "Vacancy",
    "VacancyStatus",
    "current_income_year",
    "registration_number_validator",
]
