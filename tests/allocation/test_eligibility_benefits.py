"""Effort rate and remaining income, with and without openfisca-france (optional extra)."""

import datetime as dt
import importlib.util
from decimal import ROUND_HALF_UP, Decimal

import pytest

from relais.allocation.eligibility import benefits
from relais.allocation.eligibility.benefits import Household, effort_rate, effort_rates

from ..factories import DwellingFactory
from .factories import ApplicationFactory
from .factories_eligibility import commune

OPENFISCA = importlib.util.find_spec("openfisca_france") is not None
needs_openfisca = pytest.mark.skipif(
    not OPENFISCA,
    reason="openfisca-france is not installed (optional extra: pip install '.[benefits]')",
)


@pytest.fixture
def no_openfisca(monkeypatch):
    monkeypatch.setattr(benefits, "openfisca_available", lambda: False)


def test_effort_rate_and_remaining_income():
    rate = effort_rate(
        monthly_resources_cents=160_000,
        rent_cents=45_000,
        charges_cents=9_000,
        benefit_cents=20_000,
    )

    assert rate.housing_cost_cents == 54_000
    assert rate.net_cost_cents == 34_000
    assert rate.effort_rate == Decimal("0.2125")
    assert rate.effort_percent == Decimal("21.3")
    assert rate.remaining_income_cents == 126_000
    assert rate.benefit_estimated


def test_without_benefit_the_figures_are_before_benefit():
    rate = effort_rate(
        monthly_resources_cents=150_000, rent_cents=45_000, charges_cents=9_000, benefit_cents=None
    )

    assert not rate.benefit_estimated
    assert rate.net_cost_cents == 54_000
    assert rate.effort_rate == Decimal("0.3600")
    assert rate.remaining_income_cents == 96_000


def test_no_resources_gives_no_rate_and_a_negative_remaining_income():
    rate = effort_rate(
        monthly_resources_cents=0, rent_cents=30_000, charges_cents=5_000, benefit_cents=None
    )

    assert rate.effort_rate is None and rate.effort_percent is None
    assert rate.remaining_income_cents == -35_000


def _candidates(organisation):
    tours = commune("37261")
    dwelling = DwellingFactory(
        building__residence__organisation=organisation,
        building__commune=tours,
        building__residence__commune=tours,
        rent_cents=42_000,
    )
    poor = ApplicationFactory(
        organisation=organisation,
        persons=3,
        dependants=2,
        monthly_resources_cents=110_000,
        applicant_birth_date=dt.date(1990, 3, 1),
    )
    comfortable = ApplicationFactory(
        organisation=organisation,
        persons=2,
        dependants=0,
        is_couple=True,
        monthly_resources_cents=600_000,
        co_applicant_birth_date=dt.date(1988, 7, 1),
    )
    return dwelling, poor, comfortable


def test_batch_without_openfisca_is_not_estimated(db, organisation, no_openfisca):
    dwelling, poor, comfortable = _candidates(organisation)

    rates = effort_rates([(poor, dwelling, 8_000), (comfortable, dwelling, 8_000)])

    assert set(rates) == {(poor.pk, dwelling.pk), (comfortable.pk, dwelling.pk)}
    first = rates[poor.pk, dwelling.pk]
    assert first.benefit_cents is None
    assert first.effort_rate == Decimal("0.4545")  # 500 / 1 100
    assert rates[comfortable.pk, dwelling.pk].remaining_income_cents == 550_000
    assert effort_rates([]) == {}


def test_a_failing_estimate_is_not_estimated_and_logged(monkeypatch, caplog):
    def broken(households, month):
        raise RuntimeError("legislation not loaded")

    monkeypatch.setattr(benefits, "openfisca_available", lambda: True)
    monkeypatch.setattr(benefits, "_simulate", broken)
    household = Household(
        persons=1,
        dependants=0,
        is_couple=False,
        monthly_resources_cents=100_000,
        commune_code="37261",
        rent_cents=40_000,
    )

    assert benefits.estimate_housing_benefits([household, household]) == [None, None]
    assert "Housing benefit estimate failed" in caplog.text


@needs_openfisca
def test_openfisca_estimates_the_whole_batch_in_one_simulation(db, organisation, monkeypatch):
    dwelling, poor, comfortable = _candidates(organisation)
    calls = []
    simulate = benefits._simulate
    monkeypatch.setattr(
        benefits,
        "_simulate",
        lambda households, month: calls.append(1) or simulate(households, month),
    )

    rates = effort_rates(
        [(poor, dwelling, 8_000), (comfortable, dwelling, 8_000)], month=dt.date(2025, 6, 1)
    )

    assert len(calls) == 1
    low, high = rates[poor.pk, dwelling.pk], rates[comfortable.pk, dwelling.pk]
    assert low.benefit_estimated and high.benefit_estimated
    # A single parent of two earning 1 100 € a month in Tours gets APL; a couple on 6 000 € none.
    assert 10_000 < low.benefit_cents < 42_000
    assert high.benefit_cents == 0
    assert low.net_cost_cents == 50_000 - low.benefit_cents
    assert low.effort_rate == (Decimal(low.net_cost_cents) / 110_000).quantize(
        Decimal("0.0001"), ROUND_HALF_UP
    )
