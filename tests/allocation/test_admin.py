import datetime as dt
import json

import pytest
from django.urls import reverse

from relais.allocation.models import ScoringGrid
from relais.allocation.scoring import services as scoring
from relais.core.models import AuditEvent

from ..factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_saving_a_grid_in_the_admin_is_audited_and_rescores(admin_client):
    default = scoring.ensure_default_grid()
    grid_events = AuditEvent.objects.filter(action__startswith="scoring_grid")
    before = grid_events.count()
    response = admin_client.post(
        reverse("admin:allocation_scoringgrid_change", args=[default.pk]),
        {
            "name": default.name,
            "valid_from": default.valid_from.isoformat(),
            "valid_until": "",
            "criteria": '{"not": "a grid"}',
        },
    )
    assert response.status_code == 200, "invalid criteria are refused"
    assert grid_events.count() == before
    criteria = dict(default.criteria)
    response = admin_client.post(
        reverse("admin:allocation_scoringgrid_add"),
        {
            "name": "Grille 2027",
            "valid_from": dt.date(2027, 1, 1).isoformat(),
            "valid_until": "",
            "criteria": json.dumps(criteria),
        },
    )
    assert response.status_code == 302
    assert ScoringGrid.objects.filter(name="Grille 2027").exists()
    assert grid_events.filter(action="scoring_grid.created").count() == before + 1


def test_a_quartile_threshold_set_in_the_admin_is_audited(admin_client):
    response = admin_client.post(
        reverse("admin:allocation_quartilethreshold_add"),
        {"year": "2019", "amount_eur": "9720", "source": "DOMAIN.md, arrêté 2019"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="quartile_threshold.created")
    assert event.changes["amount_eur"] == 9720
