import pytest

from relais.allocation.eligibility.household import household_category, retained_income


@pytest.mark.parametrize(
    ("persons", "dependants", "couple", "age", "disabled", "expected"),
    [
        (1, 0, False, None, False, (1, 0)),
        (2, 0, True, 60, False, (2, 0)),
        (2, 0, True, 55, False, (3, 0)),  # jeune ménage
        (2, 0, True, 56, False, (2, 0)),
        (2, 1, False, None, False, (3, 0)),  # single adult + 1 dependant
        (3, 2, False, None, False, (4, 0)),
        (1, 0, False, None, True, (2, 0)),  # disabled person alone counts as two
        (2, 0, True, 70, True, (3, 0)),
        (2, 1, False, None, True, (3, 0)),  # single parent with a disabled member: +1, not +2
        (6, 4, True, None, False, (6, 0)),
        (8, 6, True, None, False, (6, 2)),
        (8, 6, True, None, True, (6, 3)),
    ],
)
def test_household_category(persons, dependants, couple, age, disabled, expected):
    result = household_category(
        persons=persons,
        dependants=dependants,
        is_couple=couple,
        combined_age=age,
        has_disabled_member=disabled,
    )
    assert (result.category, result.extra_persons) == expected


def test_a_household_needs_an_adult():
    with pytest.raises(ValueError):
        household_category(
            persons=2, dependants=2, is_couple=False, combined_age=None, has_disabled_member=False
        )


@pytest.mark.parametrize(
    ("n2", "n1", "last12", "expected"),
    [
        (20_000, None, None, (20_000, "n2")),
        (20_000, 18_200, None, (20_000, "n2")),  # 9 % lower: N-2 kept
        (20_000, 18_000, None, (18_000, "n1")),  # 10 % lower: N-1 retained
        (20_000, 18_000, 15_000, (15_000, "12m")),
        (20_000, 25_000, 19_000, (20_000, "n2")),
    ],
)
def test_retained_income(n2, n1, last12, expected):
    assert retained_income(n2, n1, last12) == expected
