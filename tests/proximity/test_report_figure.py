"""The situation report's figure of the rounds: the share of today's passages done."""

import pytest
from django.utils import timezone

from relais.continuity import report
from relais.proximity import generation, services
from relais.proximity.models import RoundOccurrence

from .conftest import make_round

pytestmark = pytest.mark.django_db


def _figure(organisation):
    rows = report.compute_all(organisation, timezone.localdate())
    return next(row for row in rows if row["key"] == "proximity.rounds_done")


def test_rounds_done_is_the_share_of_todays_passages_done(organisation, building, caretaker):
    assert _figure(organisation)["value"] is None  # no passage today: not in use
    make_round(organisation, building, passages=4, interval_minutes=60)
    generation.generate_ahead(0)
    assert _figure(organisation) | {"value": None} == {
        "key": "proximity.rounds_done",
        "label": _figure(organisation)["label"],
        "capability": "proximity",
        "unit": "percent",
        "value": None,
    }
    assert _figure(organisation)["value"] == 0
    first = RoundOccurrence.objects.order_by("passage").first()
    for index, step in enumerate(first.steps.all()):
        services.step_tick(
            organisation=organisation, actor=caretaker, step_id=step.pk, client_key=f"t-{index:06d}"
        )
    assert _figure(organisation)["value"] == 0.25
