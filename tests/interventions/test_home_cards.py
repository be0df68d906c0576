"""Home cards of interventions (issue 8 §5), each in a bounded number of queries."""

import pytest
from django.urls import reverse

from relais.core.models import CrisisMode
from relais.core.roles import Role
from relais.core.services import crisis_mode_change
from relais.interventions.models import RequestSource
from relais.interventions.requests import services


def _create(organisation, lease, category, **extra):
    return services.request_create(
        organisation=organisation,
        actor=None,
        source=RequestSource.WEB,
        data=services.NewRequest(
            household=lease.household,
            lease=lease,
            dwelling=lease.dwelling,
            category=category,
            description="Un problème à régler dans le logement.",
            **extra,
        ),
    )


@pytest.fixture
def busy(organisation, lease, categories):
    _create(organisation, lease, categories["gas"])
    _create(organisation, lease, categories["water_leak"], callback_requested=True)
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=CrisisMode.CRISIS,
        switches={"urgent_interventions_only": True},
    )
    _create(organisation, lease, categories["pests"])
    return organisation


def _cards(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return {card.key: card for card in response.context["cards"]}


@pytest.mark.parametrize(
    ("role", "key", "count"),
    [
        (Role.TECHNICIAN, "interventions.to_triage", 2),
        (Role.CUSTOMER_OFFICER, "interventions.calls_to_return", 1),
        (Role.CUSTOMER_OFFICER, "interventions.deferred", 1),
        (Role.DIRECTOR, "interventions.open_safety", 1),
    ],
)
def test_each_role_sees_its_interventions_card(busy, member_factory, role, key, count):
    _user, client = member_factory(role)
    card = _cards(client)[key]
    assert card.count == count and len(card.rows) == count


def test_the_triage_card_lists_safety_first(busy, member_factory):
    _user, client = member_factory(Role.TECHNICIAN)
    card = _cards(client)["interventions.to_triage"]
    assert card.rows[0].tone == "warning" and "Gaz" in card.rows[0].detail


def test_the_deferred_card_says_how_long_the_oldest_waited(busy, member_factory):
    _user, client = member_factory(Role.CUSTOMER_OFFICER)
    assert "La plus ancienne attend depuis" in _cards(client)["interventions.deferred"].text
