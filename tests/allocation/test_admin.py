import datetime as dt
import json

from django.urls import reverse

from relais.allocation.models import ScoringGrid
from relais.allocation.scoring import services as scoring
from relais.core.models import AuditEvent


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
