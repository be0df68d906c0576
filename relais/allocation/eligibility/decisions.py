"""Eligibility when it matters: at proposal and at the close, for the year of the decision.

A candidate is checked against the ceiling of the **dwelling's** financing for the **year of
the decision**, with the household category computed with the ages **at the decision date**
and the income of year **N-2 of that year** (N-1 or the last 12 months when ≥ 10 % lower),
article R441-1 CCH and the arrêté of 29 July 1987 (DOMAIN.md §2). The outcomes:

- ``eligible``;
- ``income_to_update``: the file's N-2 income is not of the year the decision needs (e.g. a
  2023 figure for a 2026 decision): the application cannot be proposed until updated;
- ``within_next_financing``: over this dwelling's ceiling but within the next financing's
  (PLAI → PLUS, PLUS → PLS): a non-attribution **for this dwelling**, the application stays
  active;
- ``over_ceiling``: inadmissible (the application fails the income condition).

Reasons are French sentences whatever the user's language: they are stored on the decision
and printed in the minutes and letters. docs/decisions/0027-eligibility-at-decision-time.md.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from ..applications.services import combined_age
from . import household
from .ceilings import ceiling_table
from .rules import EXTRA_PERSON, eur, pli_category

ELIGIBLE = "eligible"
INCOME_TO_UPDATE = "income_to_update"
WITHIN_NEXT_FINANCING = "within_next_financing"
OVER_CEILING = "over_ceiling"
# Over a dwelling's ceiling but within this financing's: not inadmissible, just not this one.
NEXT_FINANCING = {"PLAI": "PLUS", "PLUS": "PLS"}
INCOME_YEARS_BACK = 2  # N-2


@dataclass(frozen=True)
class DecisionCheck:
    status: str
    year: int  # year of the decision
    financing: str
    income: int | None  # € a year retained, None when the income must be updated
    ceiling: int | None  # € a year, the dwelling's financing
    reason: str  # French; "" when eligible

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE


def required_income_year(decided_on: dt.date) -> int:
    """The tax year of the income a decision of that date needs: N-2."""
    return decided_on.year - INCOME_YEARS_BACK


def income_to_update(application, decided_on: dt.date) -> bool:
    """Is the file's N-2 income of another year than the decision needs?"""
    return application.income_n2_year != required_income_year(decided_on)


class Ceilings:
    """Ceiling tables read once per (year, financing, zone) for a batch of checks."""

    def __init__(self):
        self._tables = {}

    def table(self, year: int, financing: str, zone: str) -> dict[int, int]:
        key = (year, financing, zone)
        if key not in self._tables:
            self._tables[key] = ceiling_table(year, financing, zone)
        return self._tables[key]

    def ceiling(self, application, *, year, financing, zone, on: dt.date) -> int:
        """The household's ceiling, category computed with the ages on ``on``."""
        if financing == "PLI":
            category = pli_category(
                persons=application.persons,
                dependants=application.dependants,
                is_couple=application.is_couple,
            )
        else:
            category = household.household_category(
                persons=application.persons,
                dependants=application.dependants,
                is_couple=application.is_couple,
                combined_age=combined_age(application, on),
                has_disabled_member=application.has_disabled_member,
            )
        table = self.table(year, financing, zone)
        return table[category.category] + category.extra_persons * table[EXTRA_PERSON]


def check_for_decision(
    application, *, financing: str, zone: str, decided_on: dt.date, ceilings: Ceilings
) -> DecisionCheck:
    """Check one application for a dwelling of ``financing`` in ``zone``, decided on that day.

    Raises ``EligibilityError`` when a needed table is missing (never a guess).
    """
    year = decided_on.year
    with translation.override("fr"):
        if income_to_update(application, decided_on):
            return DecisionCheck(
                INCOME_TO_UPDATE,
                year,
                financing,
                None,
                None,
                _(
                    "Income to update: a decision in %(year)s needs the reference income of "
                    "%(needed)s (the file has %(held)s)."
                )
                % {
                    "year": year,
                    "needed": required_income_year(decided_on),
                    "held": application.income_n2_year,
                },
            )
        income, _basis = household.retained_income(
            application.income_n2, application.income_n1, application.income_last_12_months
        )
        args = {"year": year, "zone": zone, "on": decided_on}
        ceiling = ceilings.ceiling(application, financing=financing, **args)
        if income <= ceiling:
            return DecisionCheck(ELIGIBLE, year, financing, income, ceiling, "")
        params = {
            "income": eur(income),
            "ceiling": eur(ceiling),
            "financing": financing,
            "year": year,
        }
        following = NEXT_FINANCING.get(financing)
        if following and income <= ceilings.ceiling(application, financing=following, **args):
            params["next"] = following
            reason = _(
                "Resources of %(income)s above the %(financing)s %(year)s ceiling "
                "(%(ceiling)s) but within the %(next)s ceiling: not this dwelling; the "
                "application stays active."
            )
            return DecisionCheck(
                WITHIN_NEXT_FINANCING, year, financing, income, ceiling, reason % params
            )
        reason = _(
            "Inadmissible: resources of %(income)s above the %(financing)s %(year)s ceiling "
            "(%(ceiling)s)."
        )
        return DecisionCheck(OVER_CEILING, year, financing, income, ceiling, reason % params)
