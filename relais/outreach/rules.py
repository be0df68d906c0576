"""Pure rules of outreach: who is a candidate for the register, what a call's outcome does.

Candidates (DOMAIN.md §4; Code de l'action sociale et des familles, art. L121-6-1 and
R121-2: the mayor's register of elderly and disabled people living at home): aged 65 or more;
aged 60 or more and recognised unfit for work; disabled adults. Living alone aggravates.
"""

import datetime as dt
from dataclasses import dataclass

AGE_ELDERLY = 65
AGE_UNFIT = 60
# Failed attempts (no answer, wrong number) in a row before the case escalates.
ESCALATE_AFTER = 3
# A first "no answer" of the day comes back this much later the same day.
RETRY_LATER = dt.timedelta(hours=2)
# Someone in hospital is called again after this many days (or the cadence, if longer).
HOSPITAL_RECALL_DAYS = 7


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def criteria(*, birth: dt.date, today: dt.date, disabled: bool, unfit: bool, alone: bool):
    """The reasons (codes) a person is a candidate, in order; empty when they are not.
    ``"alone"`` only aggravates: it is listed only next to another reason."""
    age = age_on(birth, today)
    found = []
    if age >= AGE_ELDERLY:
        found.append("age65")
    elif age >= AGE_UNFIT and unfit:
        found.append("age60_unfit")
    if disabled and age >= 18:
        found.append("disabled")
    if found and alone:
        found.append("alone")
    return found


@dataclass(frozen=True)
class FailedStep:
    """What a failed attempt leads to: ``escalate`` the case, or retry (``later_today``
    or the next day)."""

    escalate: bool
    later_today: bool


def after_failed_attempt(*, failed_in_a_row: int, attempts_today: int) -> FailedStep:
    """``failed_in_a_row`` and ``attempts_today`` include the attempt just made."""
    if failed_in_a_row >= ESCALATE_AFTER:
        return FailedStep(escalate=True, later_today=False)
    return FailedStep(escalate=False, later_today=attempts_today < 2)
