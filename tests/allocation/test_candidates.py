"""Candidate search: eligibility, each fit rule, the ranking, tenancy, the proposal rule.

The search walks the candidate ranking (``RankedWish``, ADR 0051): the factories write it as the
services do (``ranking_write``).
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from relais.allocation.eligibility.ceilings import EligibilityError, load_income_ceilings
from relais.allocation.eligibility.services import income_ceiling_table_enter
from relais.allocation.models import (
    TYPOLOGY_BITS,
    ApplicationStatus,
    CommuneAbcZone,
    FewCandidatesReason,
)
from relais.allocation.vacancies.candidates import search_candidates, validate_proposal

from ..factories import CommuneFactory, EpciFactory
from .factories_vacancies import CEILINGS, YEAR, applicant, applied, ceilings, orleans, vacancy
from .test_eligibility_rules import PLI_2023, amounts_of

CAT3 = CEILINGS[3]


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def open_vacancy(organisation):
    ceilings()
    return vacancy(organisation)


def found(vacancy_, **kwargs) -> list[int]:
    return [row.application.pk for row in search_candidates(vacancy_, year=YEAR, **kwargs)]


# Eligibility ---------------------------------------------------------------------------------


def test_income_at_the_ceiling_is_eligible_one_euro_over_is_not(organisation, open_vacancy):
    at = applicant(organisation, income_n2=CAT3, reference_income=CAT3)
    applicant(organisation, income_n2=CAT3 + 1, reference_income=CAT3 + 1)
    assert found(open_vacancy) == [at.pk]


def test_pls_ceiling_is_plus_times_1_30_rounded(organisation):
    ceilings()
    pls = vacancy(organisation, financing="PLS")
    ceiling = 50_766  # 39,051 × 1.30 = 50,766.3
    at = applicant(organisation, income_n2=ceiling, reference_income=ceiling)
    applicant(organisation, income_n2=ceiling + 1, reference_income=ceiling + 1)
    [row] = search_candidates(pls, year=YEAR)
    assert (row.application.pk, row.application.ceiling) == (at.pk, ceiling)


def test_extra_persons_add_the_per_person_amount(organisation):
    ceilings()
    big = vacancy(organisation, typology="T6", rent_cents=70_000)
    ceiling = CEILINGS[6] + 2 * CEILINGS[7]
    household = {"persons": 8, "dependants": 6, "household_category": 6, "extra_persons": 2}
    mask = TYPOLOGY_BITS["T6"]
    at = applicant(organisation, typology_mask=mask, reference_income=ceiling, **household)
    applicant(organisation, typology_mask=mask, reference_income=ceiling + 1, **household)
    [row] = search_candidates(big, year=YEAR)
    assert (row.application.pk, row.application.ceiling) == (at.pk, ceiling)
    assert row.reasons[0].startswith("Category 6 + 2: income 76,445\N{NO-BREAK SPACE}€ ≤")
    with translation.override("fr"):
        [row] = search_candidates(big, year=YEAR)
    assert "76\N{NARROW NO-BREAK SPACE}445\N{NO-BREAK SPACE}€" in row.reasons[0]


def test_a_year_without_table_is_an_error_never_a_guess(organisation, open_vacancy):
    applicant(organisation)
    with pytest.raises(EligibilityError, match="2031"):
        search_candidates(open_vacancy, year=2031)


def test_pli_dwellings_use_their_abc_zone_and_table(organisation):
    ceilings()
    pli = vacancy(organisation, financing="PLI")
    with pytest.raises(EligibilityError) as error:
        search_candidates(pli, year=YEAR)  # Tours has no A/B/C zone loaded yet
    assert error.value.code == "no_zone"
    CommuneAbcZone.objects.create(commune_id="37261", zone="b1")
    with pytest.raises(EligibilityError) as error:
        search_candidates(pli, year=YEAR)
    assert error.value.code == "missing_table"
    assert "PLI" in error.value.message and "Zone B1" in error.value.message
    income_ceiling_table_enter(
        actor=None, year=2023, financing="PLI", amounts=amounts_of(PLI_2023), source="test"
    )
    # PLI categories in SQL: a single parent of 2 persons is category 3 (54 785 € in B1),
    # a couple of 2 category 2 (45 558 €).
    fits = applicant(organisation, persons=2, dependants=1, reference_income=54_785)
    over = applicant(organisation, persons=2, dependants=1, reference_income=54_786)
    couple = applicant(
        organisation, persons=2, dependants=0, is_couple=True, reference_income=45_558
    )
    over_couple = applicant(
        organisation, persons=2, dependants=0, is_couple=True, reference_income=45_559
    )
    found = {row.application.pk for row in search_candidates(pli, year=2023)}
    assert found == {fits.pk, couple.pk}
    assert over.pk not in found and over_couple.pk not in found


def test_plai_vacancies_find_candidates_with_the_2024_table(organisation):
    load_income_ceilings()
    plai = vacancy(organisation, financing="PLAI")
    # Category 3 (single parent), PLAI 2024 "autres régions": 21 818 €.
    fits = applicant(organisation, reference_income=21_818)
    applicant(organisation, reference_income=21_819)
    rows = search_candidates(plai, year=2024)
    assert [row.application.pk for row in rows] == [fits.pk]
    assert "21\u202f818" in rows[0].reasons[0] or "21,818" in rows[0].reasons[0]


def test_an_overseas_dwelling_has_no_search(organisation):
    ceilings()
    reunion = CommuneFactory(code="97411", name="Saint-Denis", zone="autres_regions")
    overseas = vacancy(organisation, financing="PLUS", building__residence__commune=reunion)
    with pytest.raises(EligibilityError) as error:
        search_candidates(overseas, year=YEAR)
    assert error.value.code == "overseas"


# Fit -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typology", "fitting"),
    [("T1", {1}), ("T2", {1, 2}), ("T3", {2, 3, 4}), ("T4", {3, 4, 5}), ("T5", {4, 5, 6, 7})],
)
def test_household_size_fits_the_typology(organisation, typology, fitting):
    ceilings()
    home = vacancy(organisation, typology=typology, rent_cents=30_000)
    by_size = {
        persons: applicant(
            organisation,
            persons=persons,
            dependants=persons - 1,
            typology_mask=0,
            reference_income=10_000,
        ).pk
        for persons in range(1, 9)
    }
    assert set(found(home)) == {by_size[persons] for persons in fitting}


def test_wished_commune_or_wished_epci(organisation, open_vacancy):
    tours = CommuneFactory()
    by_commune = applicant(organisation, wishes=[tours])
    by_epci = applicant(organisation, wishes=[], epcis=[tours.epci])
    applicant(organisation, wishes=[orleans()])
    applicant(organisation, wishes=[], epcis=[EpciFactory(code="244500468")])
    rows = {row.application.pk: row for row in search_candidates(open_vacancy, year=YEAR)}
    assert set(rows) == {by_commune.pk, by_epci.pk}
    assert "Wishes the commune Tours" in rows[by_commune.pk].reasons
    assert "Wishes the EPCI Tours Métropole Val de Loire" in rows[by_epci.pk].reasons


def test_typology_must_be_wished_unless_none_is_stated(organisation, open_vacancy):
    wished = applicant(organisation, typology_mask=TYPOLOGY_BITS["T3"])
    unstated = applicant(organisation, typology_mask=0)
    applicant(organisation, typology_mask=TYPOLOGY_BITS["T2"] | TYPOLOGY_BITS["T4"])
    rows = {row.application.pk: row for row in search_candidates(open_vacancy, year=YEAR)}
    assert set(rows) == {wished.pk, unstated.pk}
    assert "No typology stated" in rows[unstated.pk].reasons


def test_maximum_rent_covers_rent_and_charges(organisation, open_vacancy):
    exact = applicant(organisation, max_rent_cents=54_000)  # 450 € + 90 €
    none = applicant(organisation, max_rent_cents=None)
    applicant(organisation, max_rent_cents=53_999)
    assert set(found(open_vacancy)) == {exact.pk, none.pk}


def test_accessibility_need_requires_an_accessible_dwelling(organisation):
    ceilings()
    plain, adapted = vacancy(organisation), vacancy(organisation, accessible=True)
    needs = applicant(organisation, needs_accessible=True)
    walks = applicant(organisation)
    assert found(plain) == [walks.pk]
    assert set(found(adapted)) == {needs.pk, walks.pk}


def test_only_active_applications_whichever_landlord_registered_them(
    organisation, other_organisation, open_vacancy
):
    """The pool is shared (ADR 0046): another landlord's active application wishing the
    commune is ranked too; closed and proposed ones are not."""
    mine = applicant(organisation)
    applicant(organisation, status=ApplicationStatus.PROPOSED)
    applicant(organisation, status=ApplicationStatus.CANCELLED)
    theirs = applicant(other_organisation)
    applicant(other_organisation, status=ApplicationStatus.CANCELLED)
    assert set(found(open_vacancy)) == {mine.pk, theirs.pk}


# Ranking and explanation ---------------------------------------------------------------------


def test_ranked_by_score_then_seniority(organisation, open_vacancy):
    low = applicant(organisation, score=10, first_applied_on=applied(60))
    recent = applicant(organisation, score=40, first_applied_on=applied(2))
    older = applicant(organisation, score=40, first_applied_on=applied(20))
    top = applicant(organisation, score=90, first_applied_on=applied(1))
    rows = search_candidates(open_vacancy, year=YEAR)
    assert [row.application.pk for row in rows] == [top.pk, older.pk, recent.pk, low.pk]
    assert [row.rank for row in rows] == [1, 2, 3, 4]
    assert found(open_vacancy, limit=2) == [top.pk, older.pk]


def test_reasons_effort_rate_and_score_explanation(organisation, open_vacancy):
    applicant(
        organisation,
        max_rent_cents=60_000,
        monthly_resources_cents=180_000,
        score=27,
        score_explanation=[["waiting:22", 22], ["single_parent", 5]],
    )
    [row] = search_candidates(open_vacancy, year=YEAR)
    text = " | ".join(row.reasons)
    assert "Category 3: income 18,000\N{NO-BREAK SPACE}€ ≤ PLUS 2026 ceiling 39,051" in text
    assert "2 persons fit a T3 (2–4)" in text
    assert "Wishes a T3" in text
    assert "Rent and charges 540\N{NO-BREAK SPACE}€ ≤ maximum 600\N{NO-BREAK SPACE}€" in text
    assert row.score_lines == [("22 months of waiting", 22), ("Single parent", 5)]
    assert row.effort.effort_percent == 30  # 540 / 1,800
    assert row.effort.housing_cost_cents == 54_000


def test_query_count_does_not_depend_on_the_number_of_applications(
    organisation, open_vacancy, django_assert_num_queries
):
    applicant(organisation)
    with django_assert_num_queries(2):  # the ceiling table, the search
        assert len(search_candidates(open_vacancy, year=YEAR)) == 1
    for _ in range(60):
        applicant(organisation)
    with django_assert_num_queries(2):
        assert len(search_candidates(open_vacancy, year=YEAR)) == 50


# The proposal rule ---------------------------------------------------------------------------


def test_three_candidates_need_no_exception():
    assert validate_proposal([3, 1, 2]) == ""


@pytest.mark.parametrize("ids", [[1], [1, 2]])
def test_fewer_than_three_need_a_recorded_exception(ids):
    with pytest.raises(ValidationError) as error:
        validate_proposal(ids)
    assert error.value.code == "too_few"
    assert validate_proposal(ids, FewCandidatesReason.TOO_FEW) == "too_few"
    assert validate_proposal(ids, FewCandidatesReason.DALO) == "dalo"


@pytest.mark.parametrize(
    ("ids", "reason", "code"),
    [
        ([], "", "empty"),
        ([1, 1, 2], "", "duplicate"),
        ([1], "because", "invalid_reason"),
        ([1, 2, 3], FewCandidatesReason.DALO, "reason_not_needed"),
    ],
)
def test_invalid_proposals(ids, reason, code):
    with pytest.raises(ValidationError) as error:
        validate_proposal(ids, reason)
    assert error.value.code == code
