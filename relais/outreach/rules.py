"""Pure rules of outreach: who is a candidate for the register, what a call's outcome does.

Candidates (DOMAIN.md §4; Code de l'action sociale et des familles, art. L121-6-1 and
R121-2: the mayor's register of elderly and disabled people living at home): aged 65 or more;
aged 60 or more and recognised unfit for work; disabled adults. Living alone aggravates.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

AGE_ELDERLY = 65
AGE_UNFIT = 60
# Failed attempts (no answer, wrong number) in a row before the case escalates.
ESCALATE_AFTER = 3
# A first "no answer" of the day comes back this much later the same day.
RETRY_LATER = dt.timedelta(hours=2)
# Calling hours (Europe/Paris): a retry is never offered outside them — nobody should be
# rung at night, and vulnerable people are hardest to reach and most alarmed by late calls.
# A retry that would fall after CALL_UNTIL moves to the next day at CALL_FROM.
CALL_FROM = dt.time(9, 0)
CALL_UNTIL = dt.time(19, 0)
PARIS = ZoneInfo("Europe/Paris")
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


def retry_at(last: dt.datetime) -> dt.datetime:
    """When to call again after a "no answer" at ``last`` (aware): ``RETRY_LATER`` later,
    within calling hours of Europe/Paris — before ``CALL_FROM`` → that day at ``CALL_FROM``,
    after ``CALL_UNTIL`` → the next day at ``CALL_FROM``. Returns an aware Paris datetime."""
    when = (last + RETRY_LATER).astimezone(PARIS)
    if when.time() > CALL_UNTIL:
        return dt.datetime.combine(when.date() + dt.timedelta(days=1), CALL_FROM, tzinfo=PARIS)
    if when.time() < CALL_FROM:  # early morning, or past midnight after a late call
        return dt.datetime.combine(when.date(), CALL_FROM, tzinfo=PARIS)
    return when


def ccas_name(commune: str) -> str:
    """« CCAS de Tours », « CCAS d'Orléans »: a CCAS is named by its commune (élision before
    a vowel or a mute h), never by its INSEE code."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if commune.startswith(article):
            return f"CCAS {contracted}{commune[len(article) :]}"
    article = "d'" if commune[:1].lower() in "aeiouyhàâéèêîôûœ" else "de "
    return f"CCAS {article}{commune}"


# The civility heading a household's name (« Mme Moreau », « M. Petit »), the only sign of a
# person's sex on file (no such field on the occupant).
_WOMAN = ("mme ", "mme. ", "madame ", "mlle ", "mademoiselle ")
_MAN = ("m. ", "m ", "monsieur ", "mr ", "mr. ")


def sex_of(occupant) -> str:
    """ "f", "m" or "" (unknown): read from the civility of the household's name, for its
    holder or a person living alone (the name is theirs; « Famille … » says nothing).
    ``occupant.household`` is read (select it with the occupant)."""
    if not (occupant.is_holder or occupant.lives_alone):
        return ""
    name = occupant.household.name.strip().lower() + " "
    if name.startswith(_WOMAN):
        return "f"
    if name.startswith(_MAN):
        return "m"
    return ""
