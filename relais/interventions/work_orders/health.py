"""The health questionnaire a contractor fills in with the tenant before entering a home
(DOMAIN.md §4: from 11 May 2020 contractors did so in every occupied dwelling).

Four questions; a "risky" answer (symptoms in the home, a vulnerable person present, no
protective equipment, no way to ventilate) stops the visit — unless the emergency requires it
(a safety or urgent request, the contractor says so explicitly), in which case the visit goes
ahead with reinforced protection and the page says so. Pure rules, tested with a table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Priority

# code → (question, the answer that means a risk)
QUESTIONS = {
    "symptoms": (_("Does anyone in the home have symptoms (fever, cough, loss of smell)?"), True),
    "vulnerable": (_("Is a vulnerable person (elderly, ill, fragile) present?"), True),
    "ppe_worn": (_("Are you wearing a mask and gloves?"), False),
    "ventilation": (_("Can the room be ventilated during the visit?"), False),
}
# Requests whose emergency may justify entering despite a risky answer.
EMERGENCY_PRIORITIES = frozenset({Priority.SAFETY, Priority.URGENT})


@dataclass(frozen=True)
class Outcome:
    """``proceed``: the contractor may enter; ``risks``: the codes answered with a risk;
    ``emergency``: the visit goes ahead only because the emergency requires it."""

    proceed: bool
    risks: tuple[str, ...]
    emergency: bool


def risks(answers: dict[str, bool]) -> tuple[str, ...]:
    """The question codes whose answer means a risk, in question order."""
    return tuple(code for code, (_q, risky) in QUESTIONS.items() if answers[code] is risky)


def outcome(answers: dict[str, bool], *, priority: str, emergency_claimed: bool) -> Outcome:
    """Whether the visit may go ahead. ``answers`` holds every code of ``QUESTIONS``;
    ``emergency_claimed``: the contractor ticked "the emergency requires the visit", which
    counts only for a safety or urgent request. Raises KeyError for a missing answer."""
    found = risks(answers)
    if not found:
        return Outcome(proceed=True, risks=(), emergency=False)
    emergency = emergency_claimed and priority in EMERGENCY_PRIORITIES
    return Outcome(proceed=emergency, risks=found, emergency=emergency)
