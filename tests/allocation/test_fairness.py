"""First-quartile indicator (article L441-1 CCH) on a known set of leases, with its figures.

Threshold of Tours Métropole for 2026 in these tests: 9,720 € a year per consumption unit.
Consumption units (INSEE scale): 1 for the first adult, 0.5 per other member aged 14 or more,
0.3 per member under 14. Resources: the monthly resources declared × 12.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.models import (
    DecisionType,
    Letter,
    LetterKind,
    OfferAnswer,
    QuartileThreshold,
    VacancyStatus,
)
from relais.allocation.vacancies.fairness import consumption_units, fairness, income_per_unit
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..factories import CommuneFactory, EpciFactory
from .factories import AgendaItemFactory, ApplicationFactory, CandidateFactory, VacancyFactory

TOURS_THRESHOLD, AMBOISE_THRESHOLD = 9_720, 8_000


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("persons", "under_14", "units", "monthly_eur", "per_unit"),
    [
        (1, 0, "1", 810, 9_720),
        (2, 0, "1.5", 1_215, 9_720),  # a couple
        (4, 2, "2.1", 1_701, 9_720),  # a couple and two children under 14
        (4, 2, "2.1", 1_702, 9_725),
        (4, 0, "2.5", 1_702, 8_169),  # the same income, children aged 14 or more
        (3, 2, "1.6", 1_000, 7_500),  # one adult and two children under 14
    ],
)
def test_income_per_consumption_unit(persons, under_14, units, monthly_eur, per_unit):
    assert consumption_units(persons, under_14) == Decimal(units)
    assert income_per_unit(monthly_eur * 100, persons, under_14) == per_unit


def _commune(code, name, epci_code, epci_name):
    return CommuneFactory(code=code, name=name, epci=EpciFactory(code=epci_code, name=epci_name))


@pytest.fixture
def places():
    return {
        "tours": _commune("37261", "Tours", "243700754", "Tours Métropole Val de Loire"),
        "amboise": _commune("37003", "Amboise", "200043081", "CC du Val d'Amboise"),
        "loches": _commune("37132", "Loches", "200070621", "CC Loches Sud Touraine"),
    }


def _lease(
    organisation,
    commune,
    *,
    monthly_eur,
    persons=1,
    under_14=0,
    in_qpv=False,
    renewal=False,
    signed_on=dt.date(2026, 5, 4),
    status=VacancyStatus.LET,
    answer=OfferAnswer.ACCEPTED,
    vacancy=None,
    answered_at=None,
):
    """A vacancy of ``commune`` let to an applicant whose offer was accepted."""
    vacancy = vacancy or VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        dwelling__building__residence__commune=commune,
        dwelling__building__in_qpv=in_qpv,
        status=status,
        lease_signed_on=signed_on if status == VacancyStatus.LET else None,
    )
    candidate = CandidateFactory(
        item=AgendaItemFactory(session__commission__organisation=organisation, vacancy=vacancy),
        application=ApplicationFactory(
            organisation=organisation,
            persons=persons,
            dependants=max(persons - 2, 0),
            members_under_14=under_14,
            monthly_resources_cents=monthly_eur * 100,
            urban_renewal_rehousing=renewal,
            reference_income=5_000,  # the tax income plays no part
        ),
        decision=DecisionType.ATTRIBUTION,
        decided_rank=1,
    )
    Letter.objects.create(
        organisation=organisation,
        candidate=candidate,
        kind=LetterKind.OFFER,
        pdf=b"%PDF",
        sent_at=timezone.now(),
        answer=answer,
        answered_at=answered_at or timezone.now(),
    )
    return vacancy


@pytest.fixture
def year_2026(organisation, other_organisation, places):
    tours, amboise, loches = places["tours"], places["amboise"], places["loches"]
    QuartileThreshold.objects.create(epci=tours.epci, year=2026, amount_eur=TOURS_THRESHOLD)
    QuartileThreshold.objects.create(epci=amboise.epci, year=2026, amount_eur=AMBOISE_THRESHOLD)
    QuartileThreshold.objects.create(epci=tours.epci, year=2025, amount_eur=20_000)
    # Tours, outside QPV: 3 of 6 to the first quartile or urban renewal.
    _lease(organisation, tours, monthly_eur=810)  # 9,720 per unit: at the threshold
    _lease(organisation, tours, monthly_eur=1_701, persons=4, under_14=2)  # 9,720
    _lease(organisation, tours, monthly_eur=1_500, renewal=True)  # 18,000 but rehoused
    _lease(organisation, tours, monthly_eur=811)  # 9,732
    _lease(organisation, tours, monthly_eur=1_702, persons=4, under_14=2)  # 9,725
    _lease(organisation, tours, monthly_eur=1_500)  # 18,000 (tax income 5,000: not used)
    # Tours, inside QPV: 1 of 3 outside the first quartile.
    _lease(organisation, tours, monthly_eur=1_500, in_qpv=True, renewal=True)  # outside Q1
    _lease(organisation, tours, monthly_eur=810, in_qpv=True)  # Q1
    _lease(organisation, tours, monthly_eur=1_702, persons=4, in_qpv=True)  # 8,169: Q1
    # Amboise, outside QPV: 0 of 1 (8,400 > 8,000).
    _lease(organisation, amboise, monthly_eur=700)
    # Loches: no threshold entered, not counted.
    _lease(organisation, loches, monthly_eur=700)
    # Not allocations followed by a lease in 2026.
    _lease(organisation, tours, monthly_eur=700, signed_on=dt.date(2025, 12, 31))
    _lease(organisation, tours, monthly_eur=700, status=VacancyStatus.ALLOCATED)
    refused = _lease(organisation, tours, monthly_eur=700, answer=OfferAnswer.REFUSED)
    _lease(other_organisation, tours, monthly_eur=700)
    # The refused offer's vacancy was let to the next candidate (outside Q1: counted out).
    _lease(organisation, tours, monthly_eur=2_000, vacancy=refused)
    # An accepted offer superseded by a later accepted one on the same vacancy.
    earlier = timezone.now() - dt.timedelta(days=30)
    superseded = _lease(organisation, tours, monthly_eur=700, answered_at=earlier)
    _lease(organisation, tours, monthly_eur=2_000, vacancy=superseded)


def _figures(share):
    return share.counted, share.total, share.percent, share.met


def test_per_epci_and_for_the_landlord(organisation, year_2026):
    result = fairness(organisation, 2026)
    assert [territory.epci.code for territory in result.epcis] == [
        "200070621",  # CC Loches Sud Touraine
        "200043081",  # CC du Val d'Amboise
        "243700754",  # Tours Métropole Val de Loire
    ]
    loches, amboise, tours = result.epcis
    assert tours.epci.name == "Tours Métropole Val de Loire" and tours.threshold == 9_720
    # 6 + the two lets after a refusal and a withdrawal, both over the threshold.
    assert _figures(tours.outside_qpv) == (3, 8, Decimal("37.5"), True)
    assert _figures(tours.inside_qpv) == (1, 3, Decimal("33.3"), False)
    assert _figures(amboise.outside_qpv) == (0, 1, Decimal("0.0"), False)
    assert loches.threshold is None and loches.outside_qpv.total == 1
    assert result.uncounted == 1
    assert _figures(result.landlord.outside_qpv) == (3, 9, Decimal("33.3"), True)
    assert _figures(result.landlord.inside_qpv) == (1, 3, Decimal("33.3"), False)


def test_the_year_is_the_lease_s(organisation, year_2026):
    result = fairness(organisation, 2025)
    assert [territory.epci.name for territory in result.epcis] == ["Tours Métropole Val de Loire"]
    assert _figures(result.landlord.outside_qpv) == (1, 1, Decimal("100.0"), True)


def test_fairness_page(organisation, member_factory, year_2026, django_assert_max_num_queries):
    client = member_factory(Role.ALLOCATION_OFFICER)[1]
    url = reverse("allocation:fairness")
    with django_assert_max_num_queries(8):
        body = client.get(url, {"year": 2026}).content.decode()
    assert '<rect x="0" y="1" width="33.3" height="6"' in body  # the landlord, outside QPV
    assert '<rect x="0" y="1" width="37.5" height="6"' in body  # Tours, outside QPV
    assert "3 of 9 allocations" in body and "9 720 €" in body or "9,720 €" in body
    assert 'data-testid="threshold-missing"' in body and "1 allocation is not counted" in body
    assert "1 allocation, not counted" in body  # Loches' row
    empty = client.get(url, {"year": 2024}).content.decode()
    assert "No lease signed after an allocation this year." in empty
    assert client.get(url, {"year": "abc"}).status_code == 200


def test_a_threshold_is_entered_per_epci_in_the_admin_and_audited(admin_client, places):
    url = reverse("admin:allocation_quartilethreshold_add")
    values = {"epci": "243700754", "year": "2026", "amount_eur": "9720", "source": "arrêté"}
    assert admin_client.post(url, values).status_code == 302
    event = AuditEvent.objects.get(action="quartile_threshold.created")
    assert event.changes["amount_eur"] == 9720
    again = admin_client.post(url, {**values, "amount_eur": "9800"})
    assert again.status_code == 200  # the same EPCI and year twice: refused
    assert QuartileThreshold.objects.get(epci="243700754", year=2026).amount_eur == 9720
