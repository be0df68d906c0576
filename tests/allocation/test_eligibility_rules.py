"""Ceilings and territories, pure rules: overseas, PLI categories, an entered table's checks."""

import pytest
from django.utils import translation

from relais.allocation.eligibility.rules import (
    EXTRA_PERSON,
    ZONES_BY_FINANCING,
    AbcZone,
    is_overseas,
    pli_category,
    table_errors,
)

# PLAI 2024 (arrêté of 18 December 2023), categories 1–6 and per extra person.
PLAI_2024 = {
    "paris_limitrophes": (14329, 23355, 30614, 33511, 39863, 44861, 4998),
    "ile_de_france": (14329, 23355, 28074, 30824, 36493, 41064, 4573),
    "autres_regions": (12452, 18143, 21818, 24276, 28404, 32010, 3569),
}
# PLI, leases of 2023 (annex III CGI, article 2 terdecies D), zones A bis, A, B1, B2, C.
PLI_2023 = {
    "abis": (41855, 62555, 82002, 97904, 116487, 131078, 14603),
    "a": (41855, 62555, 75194, 90070, 106627, 119897, 13369),
    "b1": (34115, 45558, 54785, 66139, 77805, 87685, 9782),
    "b2": (30704, 41001, 49307, 59526, 70025, 78917, 8801),
    "c": (30704, 41001, 49307, 59526, 70025, 78917, 8801),
}


def amounts_of(table: dict) -> dict:
    return {
        (zone, category): amount
        for zone, row in table.items()
        for category, amount in enumerate(row, start=1)
    }


@pytest.mark.parametrize(
    ("code", "overseas"),
    [
        ("97411", True),  # Saint-Denis, La Réunion
        ("97101", True),  # Guadeloupe
        ("97611", True),  # Mayotte
        ("97502", True),  # Saint-Pierre-et-Miquelon
        ("98735", True),  # French Polynesia
        ("37261", False),  # Tours
        ("75056", False),
        ("2A004", False),  # Ajaccio
    ],
)
def test_overseas_communes(code, overseas):
    assert is_overseas(code) is overseas


@pytest.mark.parametrize(
    ("persons", "dependants", "is_couple", "category", "extra"),
    [
        (1, 0, False, 1, 0),  # a single person
        (2, 0, True, 2, 0),  # a couple, whatever their ages (no jeune ménage rule)
        (2, 1, False, 3, 0),  # single with one person in care
        (3, 1, True, 3, 0),  # couple with one
        (4, 2, True, 4, 0),
        (5, 3, True, 5, 0),
        (6, 4, True, 6, 0),
        (7, 5, True, 6, 1),  # beyond four: one extra person
        (6, 5, False, 6, 1),
        (2, 0, False, 3, 0),  # two adults not a couple: the second counts as in care
    ],
)
def test_pli_categories(persons, dependants, is_couple, category, extra):
    result = pli_category(persons=persons, dependants=dependants, is_couple=is_couple)
    assert (result.category, result.extra_persons) == (category, extra)


def test_pli_category_refuses_an_impossible_household():
    with pytest.raises(ValueError):
        pli_category(persons=1, dependants=0, is_couple=True)
    with pytest.raises(ValueError):
        pli_category(persons=3, dependants=2, is_couple=True)


def test_complete_growing_tables_are_valid():
    assert table_errors("PLAI", amounts_of(PLAI_2024)) == []
    assert table_errors("PLI", amounts_of(PLI_2023)) == []
    assert ZONES_BY_FINANCING["PLI"] == tuple(AbcZone.values)
    assert len(amounts_of(PLAI_2024)) == 21
    assert len(amounts_of(PLI_2023)) == 35


def test_a_missing_value_is_named_by_zone_and_category():
    amounts = amounts_of(PLAI_2024)
    del amounts["ile_de_france", 4]
    amounts["autres_regions", EXTRA_PERSON] = None
    with translation.override("fr"):
        errors = table_errors("PLAI", amounts)
    assert [(e.zone, e.category) for e in errors] == [
        ("ile_de_france", 4),
        ("autres_regions", EXTRA_PERSON),
    ]
    assert errors[0].message == "Reste de l'Île-de-France, catégorie 4 : manquant."
    assert errors[1].message == "Autres régions, par personne supplémentaire : manquant."


def test_a_table_must_grow_with_the_category():
    amounts = amounts_of(PLAI_2024)
    # openfisca-france's typo of PLAI 2022 (Paris, category 2: 218 805) is of this kind.
    amounts["paris_limitrophes", 2] = 218_805
    amounts["autres_regions", 5] = 24_276  # equal to category 4: not above it
    with translation.override("fr"):
        errors = table_errors("PLAI", amounts)
    assert [(e.zone, e.category) for e in errors] == [
        ("paris_limitrophes", 3),
        ("autres_regions", 5),
    ]
    assert errors[0].message == (
        "Paris et communes limitrophes : la catégorie 3 (30\u202f614\u00a0€) doit dépasser "
        "la catégorie 2 (218\u202f805\u00a0€) : une faute de frappe ?"
    )


def test_amounts_out_of_range_and_unknown_financing():
    amounts = amounts_of(PLI_2023)
    amounts["b1", 1] = 0
    amounts["c", EXTRA_PERSON] = 2_000_000
    errors = table_errors("PLI", amounts)
    assert [(e.zone, e.category) for e in errors] == [("b1", 1), ("c", EXTRA_PERSON)]
    assert table_errors("PLS", amounts_of(PLAI_2024))[0].category is None
