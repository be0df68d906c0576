"""Household rules shared by eligibility, applications and scoring (DOMAIN.md §2)."""

from dataclasses import dataclass

JEUNE_MENAGE_MAX_COMBINED_AGE = 55
INCOME_DROP_THRESHOLD = 0.10  # N-1 or last 12 months may be used when ≥ 10 % lower than N-2


@dataclass(frozen=True)
class Category:
    category: int  # 1–6
    extra_persons: int  # persons beyond category 6
    reasons: tuple[str, ...]  # each rule applied, in order, for the explanation


def household_category(
    *,
    persons: int,
    dependants: int,
    is_couple: bool,
    combined_age: int | None,
    has_disabled_member: bool,
) -> Category:
    """The income-ceiling category of a household (arrêté of 29 July 1987).

    1 one person; 2 two persons without dependant (not a jeune ménage); 3 three persons, or one
    person + 1 dependant, or a jeune ménage (couple, combined ages ≤ 55, no dependant); 4 four
    persons or one + 2 dependants; 5 five or one + 3; 6 six or one + 4; beyond, extra persons.
    A single adult with dependants counts one category up; a household with a disabled member
    counts as one more person; the two do not add up.
    """
    if persons < 1 or dependants < 0 or dependants >= persons:
        raise ValueError("a household has at least one adult and fewer dependants than persons")
    reasons = []
    single_with_dependants = not is_couple and dependants > 0 and persons - dependants == 1
    if has_disabled_member:
        reasons.append("disabled_member_counts_one_more")
    elif single_with_dependants:
        reasons.append("single_adult_with_dependants_one_up")
    # The arrêté lists these as alternative ways into a category ("une personne seule avec une
    # personne à charge" or "deux personnes dont au moins une en situation de handicap" are
    # both category 3): they raise the household by one, never by two.
    size = persons + (1 if has_disabled_member or single_with_dependants else 0)
    jeune_menage = (
        is_couple
        and dependants == 0
        and persons == 2
        and combined_age is not None
        and combined_age <= JEUNE_MENAGE_MAX_COMBINED_AGE
    )
    if jeune_menage:
        size = max(size, 3)
        reasons.append("jeune_menage")
    category = min(size, 6)
    return Category(category=category, extra_persons=max(size - 6, 0), reasons=tuple(reasons))


def retained_income(n2: int, n1: int | None, last_12_months: int | None) -> tuple[int, str]:
    """The income used for eligibility: N-2, unless N-1 or the last 12 months is ≥ 10 % lower
    (the lowest such figure is retained). Returns (amount, basis: "n2" | "n1" | "12m")."""
    candidates = [(n2, "n2")]
    for amount, basis in ((n1, "n1"), (last_12_months, "12m")):
        if amount is not None and amount <= n2 * (1 - INCOME_DROP_THRESHOLD):
            candidates.append((amount, basis))
    return min(candidates, key=lambda pair: pair[0])
