"""Eligibility at decision time: the dwelling's financing, the decision year, ages on that day."""

import datetime as dt

import pytest

from relais.allocation.eligibility.ceilings import EligibilityError, load_income_ceilings
from relais.allocation.eligibility.decisions import (
    ELIGIBLE,
    INCOME_TO_UPDATE,
    OVER_CEILING,
    WITHIN_NEXT_FINANCING,
    Ceilings,
    check_for_decision,
)

from .factories import ApplicationFactory
from .test_eligibility_rules import PLI_2023, amounts_of

OTHER = "autres_regions"
JUNE_15_2024 = dt.date(2024, 6, 15)


@pytest.fixture
def ceilings(db):
    load_income_ceilings()
    return Ceilings()


def check(application, financing="PLAI", zone=OTHER, on=JUNE_15_2024, ceilings=None):
    return check_for_decision(
        application, financing=financing, zone=zone, decided_on=on, ceilings=ceilings
    )


def test_within_the_ceiling_of_the_decision_year(ceilings):
    # Single parent with one child (category 3), PLAI 2024 "autres régions": 21 818 €.
    application = ApplicationFactory(income_n2=21_818, income_n2_year=2022)
    result = check(application, ceilings=ceilings)
    assert (result.status, result.ceiling, result.income, result.year) == (
        ELIGIBLE,
        21_818,
        21_818,
        2024,
    )


def test_over_plai_but_within_plus_is_not_this_dwelling(ceilings):
    application = ApplicationFactory(income_n2=25_000, income_n2_year=2022)
    result = check(application, ceilings=ceilings)
    assert result.status == WITHIN_NEXT_FINANCING
    assert result.reason == (
        "Ressources de 25\u202f000\u00a0€ au-dessus du plafond PLAI 2024 (21\u202f818\u00a0€) "
        "mais sous le plafond PLUS : pas ce logement ; la demande reste active."
    )


def test_the_250000_euro_household_is_inadmissible_whatever_the_financing(ceilings):
    application = ApplicationFactory(
        persons=1, dependants=0, income_n2=250_000, income_n2_year=2022, priority_criteria=["dalo"]
    )
    for financing in ("PLAI", "PLUS", "PLS"):
        result = check(application, financing=financing, ceilings=ceilings)
        assert result.status == OVER_CEILING, financing
    assert "250\u202f000" in result.reason and result.reason.startswith("Irrecevable")


def test_income_of_another_year_must_be_updated(ceilings):
    application = ApplicationFactory(income_n2=10_000, income_n2_year=2021)
    result = check(application, ceilings=ceilings)
    assert result.status == INCOME_TO_UPDATE
    assert result.income is None
    assert "2022" in result.reason and "2021" in result.reason
    # The same file is right for a decision of 2023.
    assert check(application, on=dt.date(2023, 12, 31), ceilings=ceilings).status == ELIGIBLE


def test_ages_are_taken_on_the_decision_date(ceilings):
    # A couple whose ages add up to 55 on 15 June 2024 (a young couple, category 3: PLAI
    # 21 818 €) and to 56 from 20 June (category 2: 18 143 €).
    application = ApplicationFactory(
        persons=2,
        dependants=0,
        is_couple=True,
        applicant_birth_date=dt.date(1996, 6, 20),
        co_applicant_birth_date=dt.date(1996, 1, 10),
        income_n2=20_000,
        income_n2_year=2022,
    )
    assert check(application, ceilings=ceilings).status == ELIGIBLE
    later = check(application, on=dt.date(2024, 6, 25), ceilings=ceilings)
    assert (later.status, later.ceiling) == (WITHIN_NEXT_FINANCING, 18_143)


def test_n1_income_at_least_10_percent_lower_is_used(ceilings):
    application = ApplicationFactory(income_n2=24_000, income_n1=21_000, income_n2_year=2022)
    result = check(application, ceilings=ceilings)
    assert (result.status, result.income) == (ELIGIBLE, 21_000)


def test_pli_uses_its_own_zone_and_categories(ceilings):
    from relais.allocation.eligibility.services import income_ceiling_table_enter

    income_ceiling_table_enter(
        actor=None, year=2023, financing="PLI", amounts=amounts_of(PLI_2023), source="test"
    )
    # A couple with one child: PLI category 3, zone B1, 2023: 54 785 €.
    application = ApplicationFactory(
        persons=3, dependants=1, is_couple=True, income_n2=54_785, income_n2_year=2021
    )
    on = dt.date(2023, 5, 2)
    assert check(application, financing="PLI", zone="b1", on=on, ceilings=ceilings).eligible
    application.income_n2 = 54_786
    result = check(application, financing="PLI", zone="b1", on=on, ceilings=ceilings)
    assert result.status == OVER_CEILING  # no "next" financing above PLI


def test_a_missing_table_is_an_error_not_a_guess(ceilings):
    application = ApplicationFactory(income_n2=10_000, income_n2_year=2024)
    with pytest.raises(EligibilityError) as error:
        check(application, on=dt.date(2026, 3, 1), ceilings=ceilings)  # no PLAI 2026
    assert error.value.code == "missing_table"
