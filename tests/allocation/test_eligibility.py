"""Eligibility rules: categories, the ≥ 10 % income rule, PLS, missing tables, the SQL ceiling."""

import pytest
from django.db.models import F, IntegerField
from django.db.models.expressions import RawSQL
from django.utils import translation

from relais.allocation.eligibility.ceilings import (
    EligibilityError,
    ceiling_for,
    ceiling_sql,
    check_eligibility,
    load_income_ceilings,
    pls_ceiling,
)
from relais.allocation.eligibility.household import retained_income
from relais.allocation.models import Application, IncomeCeiling
from relais.housing.models import Zone

from .factories import ApplicationFactory

# PLUS 2026, other regions (relais/allocation/data/income_ceilings.csv).
PLUS_2026_OTHER = {1: 23403, 2: 31254, 3: 37584, 4: 45374, 5: 53376, 6: 60156, 7: 6710}


@pytest.fixture(autouse=True)
def ceilings(db):
    load_income_ceilings()
    with translation.override("en"):
        yield


def check(**overrides):
    household = {
        "year": 2026,
        "financing": "PLUS",
        "zone": Zone.OTHER,
        "persons": 1,
        "dependants": 0,
        "is_couple": False,
        "combined_age": None,
        "has_disabled_member": False,
        "reference_income": 10_000,
    }
    return check_eligibility(**{**household, **overrides})


# Household categories ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("household", "category", "extra"),
    [
        pytest.param({}, 1, 0, id="single"),
        pytest.param({"persons": 2, "is_couple": True, "combined_age": 70}, 2, 0, id="couple"),
        pytest.param({"persons": 2}, 2, 0, id="two-adults-not-couple"),
        pytest.param({"persons": 3, "dependants": 1, "is_couple": True}, 3, 0, id="three"),
        pytest.param({"persons": 2, "dependants": 1}, 3, 0, id="single-plus-one"),
        pytest.param({"persons": 3, "dependants": 2}, 4, 0, id="single-plus-two"),
        pytest.param({"persons": 4, "dependants": 3}, 5, 0, id="single-plus-three"),
        pytest.param({"persons": 5, "dependants": 4}, 6, 0, id="single-plus-four"),
        pytest.param({"has_disabled_member": True}, 2, 0, id="disabled-single"),
        pytest.param(
            {"persons": 2, "is_couple": True, "combined_age": 70, "has_disabled_member": True},
            3,
            0,
            id="disabled-couple",
        ),
        pytest.param(
            {"persons": 5, "dependants": 3, "is_couple": True, "has_disabled_member": True},
            6,
            0,
            id="disabled-five",
        ),
        pytest.param({"persons": 6, "dependants": 4, "is_couple": True}, 6, 0, id="six"),
        pytest.param({"persons": 8, "dependants": 6, "is_couple": True}, 6, 2, id="eight"),
        pytest.param(
            {"persons": 6, "dependants": 4, "is_couple": True, "has_disabled_member": True},
            6,
            1,
            id="disabled-six",
        ),
    ],
)
def test_category_rules(household, category, extra):
    result = check(**household)

    assert (result.category, result.extra_persons) == (category, extra)
    expected = PLUS_2026_OTHER[category] + extra * PLUS_2026_OTHER[7]
    assert result.ceiling == expected


@pytest.mark.parametrize(("combined_age", "category"), [(54, 3), (55, 3), (56, 2), (None, 2)])
def test_jeune_menage_is_category_3_up_to_55_combined(combined_age, category):
    result = check(persons=2, is_couple=True, combined_age=combined_age)

    assert result.category == category
    explanation = " ".join(result.explanation)
    if category == 3:
        assert "Young couple" in explanation
    elif combined_age is None:
        assert "Combined ages not given" in explanation
    else:
        assert "56 > 55: not a young couple" in explanation


def test_jeune_menage_needs_no_dependant():
    result = check(persons=3, dependants=1, is_couple=True, combined_age=40)

    assert result.category == 3
    assert not any("Young couple" in line for line in result.explanation)


def test_explanation_names_the_rules_the_row_and_the_comparison():
    result = check(persons=3, dependants=2, has_disabled_member=True, reference_income=45374)

    assert result.category == 4  # the disability and single-parent rules do not add up
    assert result.eligible
    assert result.explanation == (
        "Household of 3 persons, 2 dependants, no couple.",
        "A member has a disability: the household counts as one more person.",
        "Household category 4.",
        "PLUS ceiling 2026, Other regions, category 4: 45,374\u00a0€ a year.",
        "Reference income 45,374\u00a0€ ≤ ceiling 45,374\u00a0€: eligible.",
    )


def test_extra_persons_are_explained_with_the_per_person_amount():
    result = check(persons=8, dependants=6, is_couple=True)

    assert result.ceiling == 60156 + 2 * 6710
    assert "Plus 2 × 6,710\u00a0€ per extra person: 73,576\u00a0€." in result.explanation


def test_income_equal_to_the_ceiling_is_eligible_one_euro_more_is_not():
    assert check(reference_income=23403).eligible
    result = check(reference_income=23404)
    assert not result.eligible
    assert result.explanation[-1] == (
        "Reference income 23,404\u00a0€ > ceiling 23,403\u00a0€: not eligible."
    )


@pytest.mark.parametrize(
    ("household", "field"),
    [
        ({"persons": 2, "dependants": 2}, "dependants"),
        ({"persons": 0}, "persons"),
        ({"dependants": -1}, "dependants"),
        ({"persons": 2, "dependants": 1, "is_couple": True}, "is_couple"),
        ({"reference_income": -1}, "reference_income"),
        ({"combined_age": -3}, "combined_age"),
    ],
)
def test_inconsistent_households_are_refused(household, field):
    with pytest.raises(EligibilityError) as error:
        check(**household)
    assert error.value.field == field


# Zones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "category_3"),
    [(Zone.PARIS_ADJOINING, 52740), (Zone.ILE_DE_FRANCE, 48362), (Zone.OTHER, 37584)],
)
def test_each_zone_has_its_own_ceiling(zone, category_3):
    assert check(zone=zone, persons=3, dependants=1, is_couple=True).ceiling == category_3


# The ≥ 10 % income rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n1", "last_12_months", "retained"),
    [
        (None, None, (20_000, "n2")),
        (18_200, None, (20_000, "n2")),  # 9 % lower: N-2 kept
        (18_001, None, (20_000, "n2")),  # just under 10 % lower
        (18_000, None, (18_000, "n1")),  # 10 % lower: N-1 used
        (None, 17_000, (17_000, "12m")),
        (18_000, 16_500, (16_500, "12m")),  # both lower: the lowest
        (22_000, None, (20_000, "n2")),  # higher is never used
    ],
)
def test_income_retained_is_n1_or_last_12_months_only_when_10_percent_lower(
    n1, last_12_months, retained
):
    assert retained_income(20_000, n1, last_12_months) == retained


# PLS and missing tables ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plus", "pls"),
    [
        (21878, 28441),  # 28 441.4 → down
        (35135, 45676),  # 45 675.5 → half up
        (39885, 51851),  # 51 850.5 → half up
        (83575, 108648),  # 108 647.5 → half up
        (9313, 12107),  # 12 106.9 → up
    ],
)
def test_pls_is_plus_times_1_30_rounded_half_up_to_the_euro(plus, pls):
    assert pls_ceiling(plus) == pls


def test_pls_ceilings_derive_from_the_plus_table_row_by_row():
    assert ceiling_for(2023, "PLS", Zone.OTHER, 3, 0) == 45676
    # 2025, Paris: category 6 = 108 648 and 12 107 per extra person (published PLS table).
    assert ceiling_for(2025, "PLS", Zone.PARIS_ADJOINING, 6, 2) == 108648 + 2 * 12107
    result = check(financing="PLS", persons=3, dependants=1, is_couple=True, year=2023)
    assert result.ceiling == 45676
    assert "PLS ceilings are the PLUS ceilings × 1.30, rounded to the euro." in result.explanation


@pytest.mark.parametrize(
    ("year", "financing", "code"),
    [
        (2019, "PLUS", "missing_table"),
        (2027, "PLUS", "missing_table"),
        (2026, "PLAI", "missing_table"),
        (2019, "PLS", "missing_table"),
        (2026, "PLI", "unknown_zone"),  # PLI tables are by A/B/C zone
        (2026, "PLX", "unknown_financing"),
    ],
)
def test_a_year_or_financing_without_a_table_is_an_error_not_a_guess(year, financing, code):
    with pytest.raises(EligibilityError) as error:
        check(year=year, financing=financing)
    assert error.value.code == code
    if code == "missing_table":
        base = "PLUS" if financing == "PLS" else financing
        assert error.value.message == (
            f"No {base} income-ceiling table for {year} (Other regions): the platform's "
            "administrators must enter it first."
        )


def test_an_incomplete_table_is_an_error():
    IncomeCeiling.objects.filter(year=2026, financing="PLUS", zone=Zone.OTHER, category=7).delete()

    with pytest.raises(EligibilityError, match="is incomplete"):
        check()
    with pytest.raises(EligibilityError):
        ceiling_sql(2026, "PLUS", Zone.OTHER)


def test_ceiling_for_refuses_impossible_categories():
    assert ceiling_for(2022, "PLAI", Zone.PARIS_ADJOINING, 2, 0) == 21805  # not 218 805
    for category, extra in [(0, 0), (7, 0), (5, 1), (6, -1)]:
        with pytest.raises(EligibilityError):
            ceiling_for(2026, "PLUS", Zone.OTHER, category, extra)


# The SQL ceiling -------------------------------------------------------------------------


@pytest.mark.parametrize("financing", ["PLUS", "PLS", "PLAI"])
def test_ceiling_sql_filters_applications_in_sql(organisation, financing):
    year = 2022  # the last year with a PLAI table
    rows = {}
    for category, extra in [(1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (6, 2)]:
        ceiling = ceiling_for(year, financing, Zone.OTHER, category, extra)
        for label, income in [("at", ceiling), ("above", ceiling + 1), ("below", ceiling - 500)]:
            application = ApplicationFactory(
                organisation=organisation,
                household_category=category,
                extra_persons=extra,
                reference_income=income,
            )
            rows[application.pk] = (label, ceiling)
    impossible = ApplicationFactory(organisation=organisation, household_category=0)

    annotated = Application.objects.annotate(
        ceiling=_raw(ceiling_sql(year, financing, Zone.OTHER, alias=TABLE))
    ).filter(pk__in=[*rows, impossible.pk])
    eligible = annotated.filter(reference_income__lte=F("ceiling"))

    assert set(eligible.values_list("pk", flat=True)) == {
        pk for pk, (label, _ceiling) in rows.items() if label != "above"
    }
    ceilings = dict(annotated.values_list("pk", "ceiling"))
    assert {pk: ceilings[pk] for pk in rows} == {pk: c for pk, (_l, c) in rows.items()}
    assert ceilings[impossible.pk] is None


def test_ceiling_sql_reads_the_table_once_and_joins_nothing(
    organisation, django_assert_num_queries
):
    ApplicationFactory(organisation=organisation, household_category=3, reference_income=1)
    with django_assert_num_queries(2):
        sql, params = ceiling_sql(2026, "PLUS", Zone.OTHER, alias=TABLE)
        queryset = Application.objects.alias(ceiling=_raw((sql, params))).filter(
            reference_income__lte=F("ceiling")
        )
        assert queryset.count() == 1
    assert "JOIN" not in sql.upper() and "SELECT" not in sql.upper()


TABLE = Application._meta.db_table


def _raw(sql_and_params):
    sql, params = sql_and_params
    return RawSQL(sql, params, output_field=IntegerField())
