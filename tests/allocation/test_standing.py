"""What an officer tells an applicant: score, position among similar applications and their
average waiting time, per EPCI (page and API), with the figures worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.allocation.models import ApplicationStatus
from relais.allocation.scoring.selectors import standing
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..api.factories import api_key_for
from ..factories import CommuneFactory, EpciFactory
from .factories_vacancies import applicant, scores_in_epcis

ON = dt.date(2026, 12, 15)
T2_T3, T5 = 0b000110, 0b010000


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def target(organisation, other_organisation):
    """The applicant (score 50 in Tours Métropole, waiting since June 2024) and the others."""

    def other(score, applied=dt.date(2024, 1, 15), organisation=organisation, **fields):
        return applicant(organisation, score=score, first_applied_on=applied, **fields)

    other(80, dt.date(2025, 1, 1))  # ranked before: a higher score
    other(50, dt.date(2024, 1, 1))  # before: the same score, older
    me = other(50, dt.date(2024, 6, 10), typology_mask=T2_T3)
    other(50, dt.date(2024, 6, 10))  # after: the same score and date, a later number
    other(20, typology_mask=0)  # after; states no typology, so wishes a T2/T3 too
    other(90, typology_mask=T5)  # not similar: wishes a T5 only
    other(99, status=ApplicationStatus.ALLOCATED)  # no longer waiting
    other(99, organisation=other_organisation)  # another landlord's: the pool is shared
    amboise = CommuneFactory(
        code="37003", name="Amboise", epci=EpciFactory(code="200043081", name="CC du Val d'Amboise")
    )
    other(99, wishes=[amboise])  # scored in another EPCI only
    return me


def test_position_and_average_waiting_among_similar_applications(target):
    [tours] = standing(target, on=ON)
    assert (tours.epci_name, tours.score, tours.position, tours.similar) == (
        "Tours Métropole Val de Loire",
        50,
        4,
        6,
    )
    # Calendar months to December 2026: 30 (June 2024), 23, 35, 30, 35, 35 → 31.3.
    assert tours.average_waiting_months == Decimal("31.3")


def test_one_standing_per_wished_epci_with_its_score(target):
    scores_in_epcis(target, ["200043081"], score=7)
    assert [(s.epci_name, s.score, s.position, s.similar) for s in standing(target, on=ON)] == [
        ("CC du Val d'Amboise", 7, 2, 2),
        ("Tours Métropole Val de Loire", 50, 4, 6),
    ]


def test_standing_page_is_audited(organisation, member_factory, target):
    client = member_factory(Role.ALLOCATION_OFFICER)[1]
    response = client.get(reverse("allocation:application_standing", args=[target.pk]))
    body = response.content.decode()
    assert 'data-testid="position">4 of 6<' in body
    assert 'data-testid="score">50<' in body
    event = AuditEvent.objects.get(action="application.viewed")
    assert event.changes == {"via": "standing"}


def test_standing_api(organisation, other_organisation, target):
    url = f"/api/v1/allocation/applications/{target.pk}/standing"
    key = api_key_for(organisation, Role.ALLOCATION_OFFICER)
    response = Client(headers={"Authorization": f"Bearer {key}"}).get(url)
    assert response.status_code == 200
    [tours] = response.json()
    assert (tours["epci_code"], tours["score"], tours["position"], tours["similar"]) == (
        "243700754",
        50,
        4,
        6,
    )
    assert Decimal(str(tours["average_waiting_months"])) > 0
    assert AuditEvent.objects.filter(action="application.viewed", changes={"via": "api"}).exists()
    outsider = api_key_for(other_organisation, Role.ALLOCATION_OFFICER)
    assert Client(headers={"Authorization": f"Bearer {outsider}"}).get(url).status_code == 404
    assert (
        "/api/v1/allocation/applications/{id}/standing"
        in Client().get("/api/v1/openapi.json").json()["paths"]
    )
