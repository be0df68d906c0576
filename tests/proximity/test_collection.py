"""Bins rounds planned from the commune's collection calendar, public holidays applied."""

import datetime as dt

import pytest

from relais.proximity import collection, generation, services
from relais.proximity.models import (
    CollectionStream,
    HolidayRule,
    RoundKind,
    RoundOccurrence,
    WasteStream,
)

from ..factories import BuildingFactory, CommuneFactory, DepartementFactory
from .conftest import make_round

pytestmark = pytest.mark.django_db

TUESDAY, THURSDAY = 2, 8
# 2026: Thursday 14 May is Ascension Day; Friday 3 April (Good Friday) is a holiday in
# Alsace-Moselle only.
ASCENSION = dt.date(2026, 5, 14)
GOOD_FRIDAY = dt.date(2026, 4, 3)


@pytest.mark.parametrize(
    ("rule", "day", "expected"),
    [
        (HolidayRule.NEXT_DAY, ASCENSION, False),
        (HolidayRule.NEXT_DAY, ASCENSION + dt.timedelta(days=1), True),
        (HolidayRule.KEPT, ASCENSION, True),
        (HolidayRule.KEPT, ASCENSION + dt.timedelta(days=1), False),
        (HolidayRule.CANCELLED, ASCENSION, False),
        (HolidayRule.CANCELLED, ASCENSION + dt.timedelta(days=1), False),
        (HolidayRule.CANCELLED, ASCENSION - dt.timedelta(days=2), True),  # a plain Tuesday
    ],
)
def test_a_holiday_moves_keeps_or_cancels_the_collection(rule, day, expected):
    assert collection.collects_on(TUESDAY | THURSDAY, rule, day) is expected


def test_alsace_moselle_has_its_own_holidays():
    friday = 16
    assert collection.collects_on(friday, HolidayRule.CANCELLED, GOOD_FRIDAY, alsace=False)
    assert not collection.collects_on(friday, HolidayRule.CANCELLED, GOOD_FRIDAY, alsace=True)
    assert collection.is_alsace_moselle("67482") and not collection.is_alsace_moselle("37261")


def _calendar(organisation, building, weekdays, rule=HolidayRule.NEXT_DAY):
    return services.collection_save(
        organisation=organisation,
        actor=None,
        stream=CollectionStream(
            commune=building.commune,
            stream=WasteStream.HOUSEHOLD,
            weekdays=weekdays,
            on_holiday=rule,
        ),
    )


def _days(kind) -> list[dt.date]:
    found = RoundOccurrence.objects.filter(kind=kind).order_by("day")
    return list(found.values_list("day", flat=True))


def test_bins_rounds_follow_the_calendar_not_their_weekdays(organisation, building):
    _calendar(organisation, building, TUESDAY | THURSDAY)
    for kind in (RoundKind.BINS_OUT, RoundKind.BINS_IN):
        make_round(organisation, building, kind=kind, weekdays=127, follows_collection=True)
    start = ASCENSION - dt.timedelta(days=3)  # Monday 11 May 2026
    for n in range(6):
        generation.generate_day(start + dt.timedelta(days=n), crisis=[])
    tuesday, friday = dt.date(2026, 5, 12), dt.date(2026, 5, 15)
    # Thursday's collection is Ascension Day: moved to Friday, bins out on Thursday evening.
    assert _days(RoundKind.BINS_IN) == [tuesday, friday]
    assert _days(RoundKind.BINS_OUT) == [dt.date(2026, 5, 11), ASCENSION]


def test_the_sql_and_the_python_rule_agree_over_a_year(organisation):
    """Every rule, in Indre-et-Loire and in the Bas-Rhin, every day of 2026: the generation
    plans a bins-in round exactly on the days ``collects_on`` says, and bins out the day
    before."""
    departements = [DepartementFactory(), DepartementFactory(code="67", name="Bas-Rhin")]
    cases = []
    for n, rule in enumerate(HolidayRule.values):
        for departement in departements:
            commune = CommuneFactory(
                code=f"{departement.code}9{n:02d}", name=f"C{n}", departement=departement
            )
            building = BuildingFactory(
                residence__organisation=organisation, residence__commune=commune
            )
            # Mondays and Fridays: Easter Monday, Good Friday, 1 and 8 May, 25 December.
            stream = CollectionStream.objects.create(
                organisation=organisation,
                commune=commune,
                stream=WasteStream.GLASS,
                weekdays=1 | 16,
                on_holiday=rule,
            )
            for kind in (RoundKind.BINS_IN, RoundKind.BINS_OUT):
                make_round(organisation, building, kind=kind, follows_collection=True)
            cases.append((building, stream))
    first = dt.date(2026, 1, 1)
    for n in range(365):
        generation.generate_day(first + dt.timedelta(days=n), crisis=[])
    for building, stream in cases:
        found = RoundOccurrence.objects.filter(building=building)
        expected = set(collection.collection_days(stream, first, 365))
        bins_in = set(found.filter(kind=RoundKind.BINS_IN).values_list("day", flat=True))
        assert bins_in == expected, (building.commune_id, stream.on_holiday)
        bins_out = set(found.filter(kind=RoundKind.BINS_OUT).values_list("day", flat=True))
        after = collection.collection_days(stream, first + dt.timedelta(days=1), 365)
        assert bins_out == {day - dt.timedelta(days=1) for day in after}
