"""Fixtures of the allocation tests."""

import pytest


@pytest.fixture
def ceilings_loaded(db):
    """The shipped income ceilings (PLUS 2020–2026, PLAI 2020–2024): sessions check every
    candidate's eligibility when proposed and at the close (commissions/checks.py)."""
    from relais.allocation.eligibility.ceilings import load_income_ceilings

    load_income_ceilings()
