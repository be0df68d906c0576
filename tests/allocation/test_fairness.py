"""Fairness indicator: figures on a small known set, the missing threshold, the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.models import DecisionType, QuartileThreshold, SessionStatus
from relais.allocation.vacancies.fairness import fairness
from relais.core.roles import Role

from .factories import (
    AgendaItemFactory,
    ApplicationFactory,
    CandidateFactory,
    SessionFactory,
    VacancyFactory,
)

THRESHOLD = 9_720
POOR, RICHER = 9_720, 9_721  # at the threshold is in the first quartile


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _session(organisation, *, closed_on=dt.date(2026, 3, 10), status=SessionStatus.CLOSED):
    closed_at = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(18)))
    return SessionFactory(commission__organisation=organisation, status=status, closed_at=closed_at)


def _allocation(session, *, income, in_qpv=False, decision=DecisionType.ATTRIBUTION, rank=1):
    organisation = session.organisation
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        dwelling__building__in_qpv=in_qpv,
    )
    return CandidateFactory(
        item=AgendaItemFactory(session=session, vacancy=vacancy),
        application=ApplicationFactory(
            organisation=organisation, income_n2=income, reference_income=income
        ),
        decision=decision,
        decided_rank=rank,
    )


@pytest.fixture
def year_2026(organisation, other_organisation):
    QuartileThreshold.objects.create(year=2026, amount_eur=THRESHOLD, source="arrêté")
    session = _session(organisation)
    # Outside QPV: 1 of 4 to the first quartile (25 %).
    _allocation(session, income=POOR)
    _allocation(session, income=RICHER, decision=DecisionType.RANKED)
    _allocation(session, income=RICHER, decision=DecisionType.CONDITIONAL)
    _allocation(session, income=RICHER)
    # Inside QPV: 1 of 3 to applicants outside the first quartile (33.3 %).
    _allocation(session, income=RICHER, in_qpv=True)
    _allocation(session, income=POOR, in_qpv=True)
    _allocation(session, income=POOR, in_qpv=True)
    # Not allocations of 2026: second ranked, refused, still open, another year, another org.
    _allocation(session, income=POOR, decision=DecisionType.RANKED, rank=2)
    _allocation(session, income=POOR, decision=DecisionType.NON_ATTRIBUTION, rank=None)
    _allocation(_session(organisation, status=SessionStatus.OPEN), income=POOR)
    _allocation(_session(organisation, closed_on=dt.date(2025, 12, 30)), income=POOR)
    _allocation(_session(other_organisation), income=POOR)


def test_shares_against_the_legal_targets(organisation, year_2026):
    result = fairness(organisation, 2026)
    outside, inside = result.outside_qpv, result.inside_qpv
    assert (outside.counted, outside.total, outside.share, outside.met) == (
        1,
        4,
        Decimal("0.250"),
        True,
    )
    assert (inside.counted, inside.total, inside.percent, inside.met) == (
        1,
        3,
        Decimal("33.3"),
        False,
    )


def test_a_sealed_session_counts_too(organisation, year_2026):
    _allocation(_session(organisation, status=SessionStatus.SEALED), income=RICHER)
    outside = fairness(organisation, 2026).outside_qpv
    assert (outside.counted, outside.total, outside.met) == (1, 5, False)


def test_a_year_without_threshold_has_no_indicator(organisation, year_2026):
    result = fairness(organisation, 2025)
    assert result.threshold is None and result.outside_qpv is None


def test_fairness_page(organisation, member_factory, year_2026, django_assert_max_num_queries):
    client = member_factory(Role.ALLOCATION_OFFICER)[1]
    url = reverse("allocation:fairness")
    with django_assert_max_num_queries(8):
        body = client.get(url, {"year": 2026}).content.decode()
    assert '<rect x="0" y="1" width="25.0" height="6"' in body
    assert "1 of 4 allocations" in body and "33.3" in body
    missing = client.get(url, {"year": 2025}).content.decode()
    assert 'data-testid="threshold-missing"' in missing
    assert client.get(url, {"year": "abc"}).status_code == 200
