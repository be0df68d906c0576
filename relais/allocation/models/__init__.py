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
    IncomeBasis,
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
from .letters import (
    Letter,
    LetterKind,
    LetterReason,
    LetterStatus,
    OfferAnswer,
    ReasonKind,
    ReceiptKind,
)
from .scoring import ScoringGrid
from .vacancies import QuartileThreshold, Vacancy, VacancyStatus

__all__ = [
    "TYPOLOGY_BITS",
    "VOTING_SEATS",
    "AgendaItem",
    "Application",
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
    "IncomeBasis",
    "IncomeCeiling",
    "ItemDeclaration",
    "ItemStatus",
    "Letter",
    "LetterKind",
    "LetterReason",
    "LetterStatus",
    "OfferAnswer",
    "Position",
    "PositionChoice",
    "PriorityCriterion",
    "QuartileThreshold",
    "ReasonKind",
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
