"""Effort rate and remaining income of a candidate on a dwelling, with the housing benefit.

effort rate = (rent + charges − estimated housing benefit) / monthly resources
remaining income (reste à vivre) = monthly resources − (rent + charges − benefit)

The benefit (APL, ``aide_logement``) is estimated with openfisca-france when the optional
``benefits`` extra is installed (``pip install '.[benefits]'``): one vectorised simulation
for the whole batch. Without it the benefit is ``None`` ("not estimated") and the figures
are computed before benefit. The estimate is an approximation: the APL base resources are
taken as twelve times the declared monthly resources, the applicant's own birth date is used
when known, dependants are children. See docs/eligibility.md.
"""

import functools
import importlib.util
import logging
import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

logger = logging.getLogger(__name__)

ADULT_DEFAULT_BIRTH_YEARS_AGO = 40
DEPENDANT_BIRTH_YEARS_AGO = 10
EFFORT_PLACES = Decimal("0.0001")
PERCENT = Decimal("0.1")
# Above a third of the resources the effort rate is flagged to the officer: the usual
# threshold of allocation commissions (no legal ceiling; the rate itself is the one of the
# arrêté of 10 March 2011 taken under article R441-3-1 CCH).
HIGH_EFFORT_RATE = Decimal("0.33")


@dataclass(frozen=True)
class Household:
    """What the benefit estimate needs to know about a candidate household."""

    persons: int
    dependants: int
    is_couple: bool
    monthly_resources_cents: int
    commune_code: str
    rent_cents: int  # without charges: APL counts charges as a flat amount
    applicant_birth_date: date | None = None
    co_applicant_birth_date: date | None = None


@dataclass(frozen=True)
class EffortRate:
    housing_cost_cents: int  # rent + charges
    benefit_cents: int | None  # None: not estimated (openfisca not installed, or it failed)
    net_cost_cents: int  # housing cost − benefit (the whole cost when not estimated)
    effort_rate: Decimal | None  # net cost / resources, 0.3125 = 31.25 %; None: no resources
    remaining_income_cents: int  # resources − net cost, per month

    @property
    def benefit_estimated(self) -> bool:
        return self.benefit_cents is not None

    @property
    def high(self) -> bool:
        """Above ``HIGH_EFFORT_RATE`` (or no resources at all to bear the cost)."""
        return self.effort_rate is not None and self.effort_rate > HIGH_EFFORT_RATE

    @property
    def effort_percent(self) -> Decimal | None:
        return (
            None
            if self.effort_rate is None
            else (self.effort_rate * 100).quantize(PERCENT, ROUND_HALF_UP)
        )


def openfisca_available() -> bool:
    return importlib.util.find_spec("openfisca_france") is not None


def effort_rate(*, monthly_resources_cents, rent_cents, charges_cents, benefit_cents):
    """The figures for one household, its benefit already estimated (or ``None``)."""
    housing_cost = rent_cents + charges_cents
    net_cost = housing_cost - (benefit_cents or 0)
    rate = (
        (Decimal(net_cost) / Decimal(monthly_resources_cents)).quantize(
            EFFORT_PLACES, ROUND_HALF_UP
        )
        if monthly_resources_cents > 0
        else None
    )
    return EffortRate(
        housing_cost_cents=housing_cost,
        benefit_cents=benefit_cents,
        net_cost_cents=net_cost,
        effort_rate=rate,
        remaining_income_cents=monthly_resources_cents - net_cost,
    )


def effort_rates(candidates, *, month: date | None = None) -> dict[tuple[int, int], EffortRate]:
    """Effort rates of ``(application, dwelling, charges_cents)`` triples, in one batch.

    Returns ``{(application.pk, dwelling.pk): EffortRate}``. The dwelling needs its
    ``building.commune`` (select it with the dwelling to avoid a query per candidate).
    """
    candidates = list(candidates)
    households = [
        Household(
            persons=application.persons,
            dependants=application.dependants,
            is_couple=application.is_couple,
            monthly_resources_cents=application.monthly_resources_cents,
            commune_code=dwelling.building.commune_id,
            rent_cents=dwelling.rent_cents,
            applicant_birth_date=application.applicant_birth_date,
            co_applicant_birth_date=application.co_applicant_birth_date,
        )
        for application, dwelling, charges_cents in candidates
    ]
    benefits = estimate_housing_benefits(households, month=month)
    return {
        (application.pk, dwelling.pk): effort_rate(
            monthly_resources_cents=application.monthly_resources_cents,
            rent_cents=dwelling.rent_cents,
            charges_cents=charges_cents,
            benefit_cents=benefit,
        )
        for (application, dwelling, charges_cents), benefit in zip(
            candidates, benefits, strict=True
        )
    }


def estimate_housing_benefits(households, *, month: date | None = None) -> list[int | None]:
    """Monthly housing benefit (cents) of each household, or ``None`` when not estimated."""
    households = list(households)
    if not households:
        return []
    if not openfisca_available():
        return [None] * len(households)
    month = month or timezone.localdate()
    try:
        amounts = _simulate(households, month)
    except Exception:
        # An optional estimate must never break the page that shows it; the log says why.
        logger.warning("Housing benefit estimate failed", exc_info=True)
        return [None] * len(households)
    return [round(float(amount) * 100) for amount in amounts]


@functools.cache
def _tax_benefit_system():
    """openfisca-france's legislation, loaded once per process (a few seconds)."""
    from openfisca_france import CountryTaxBenefitSystem

    return CountryTaxBenefitSystem()


def _simulate(households: list[Household], month: date):
    """One openfisca simulation holding every household; returns each one's ``aide_logement``.

    Each household is one ménage and one famille (the applicant, the co-applicant of a
    couple, the dependants as children); other adults of the household form their own
    famille in the same ménage, so they count in the home but not in the claim.
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    period = f"{month:%Y-%m}"
    situation = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
    claimants = []
    for index, household in enumerate(households):
        claimants.append(f"f{index}")
        _add_household(situation, index, household, period, month)
    simulation = SimulationBuilder().build_from_entities(_tax_benefit_system(), situation)
    by_famille = dict(
        zip(
            simulation.populations["famille"].ids,
            simulation.calculate("aide_logement", period),
            strict=True,
        )
    )
    return [by_famille[famille] for famille in claimants]


def _add_household(situation, index: int, household: Household, period: str, month: date):
    def born(years_ago: int) -> str:
        return f"{month.year - years_ago}-01-01"

    def person(name: str, birth: date | None, years_ago: int) -> str:
        key = f"h{index}_{name}"
        value = birth.isoformat() if birth else born(years_ago)
        situation["individus"][key] = {"date_naissance": {"ETERNITY": value}}
        return key

    adults = 2 if household.is_couple else 1
    parents = [person("applicant", household.applicant_birth_date, ADULT_DEFAULT_BIRTH_YEARS_AGO)]
    if household.is_couple:
        parents.append(
            person("co_applicant", household.co_applicant_birth_date, ADULT_DEFAULT_BIRTH_YEARS_AGO)
        )
    children = [
        person(f"child{n}", None, DEPENDANT_BIRTH_YEARS_AGO) for n in range(household.dependants)
    ]
    others = [
        person(f"adult{n}", None, ADULT_DEFAULT_BIRTH_YEARS_AGO)
        for n in range(household.persons - household.dependants - adults)
    ]
    annual = household.monthly_resources_cents * 12 / 100
    situation["familles"][f"f{index}"] = {
        "parents": parents,
        "enfants": children,
        # APL base resources are rounded up to the next 100 €.
        "aide_logement_base_ressources": {period: math.ceil(annual / 100) * 100},
    }
    situation["foyers_fiscaux"][f"ff{index}"] = {
        "declarants": parents,
        "personnes_a_charge": children,
    }
    for other in others:
        situation["familles"][f"{other}_f"] = {"parents": [other]}
        situation["foyers_fiscaux"][f"{other}_ff"] = {"declarants": [other]}
    situation["menages"][f"m{index}"] = {
        "personne_de_reference": parents[:1],
        "conjoint": parents[1:],
        "enfants": children,
        "autres": others,
        "loyer": {period: household.rent_cents / 100},
        "statut_occupation_logement": {period: "locataire_hlm"},
        "depcom": {period: household.commune_code},
    }
