"""The rounds' part of the demo: rounds for every building, weeks of passages done and
missed, the demo caretaker's buildings, and the reset."""

import pytest
from django.utils import timezone

from relais.housing.demo import seed_demo
from relais.housing.models import Building
from relais.proximity.collection import collects_on, is_alsace_moselle
from relais.proximity.models import (
    BuildingCaretaker,
    CollectionStream,
    RoundOccurrence,
    RoundStep,
    RoundTemplate,
    StepRemark,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_rounds_for_every_building_and_resets():
    seed_demo(scale="tiny", seed=3)
    assert RoundTemplate.objects.count() == 4 * Building.objects.count()
    past = RoundOccurrence.objects.filter(day__lt=timezone.localdate())
    done, missed = past.filter(status="done").count(), past.filter(status="missed").count()
    assert done > 10 * missed > 0
    assert not past.filter(status="planned").exists()
    assert not RoundStep.objects.filter(occurrence__status="done", done_at__isnull=True).exists()
    assert BuildingCaretaker.objects.filter(caretaker__username="gardien").count() == 8
    assert RoundOccurrence.objects.filter(
        day=timezone.localdate(), assignee__username="gardien"
    ).exists()
    # Bins in on the collection days of the building's commune (its calendar), not weekly.
    streams = {}
    for stream in CollectionStream.objects.all():
        streams.setdefault((stream.organisation_id, stream.commune_id), []).append(stream)
    bins_in = RoundOccurrence.objects.filter(kind="bins_in").select_related("building")
    assert bins_in.exists()
    for occurrence in bins_in[:300]:
        commune = occurrence.building.commune_id
        assert any(
            collects_on(s.weekdays, s.on_holiday, occurrence.day, is_alsace_moselle(commune))
            for s in streams[(occurrence.organisation_id, commune)]
        )
    # Remarks for the manager's page, each an intervention request, one already handled.
    remarks = StepRemark.objects.select_related("request", "step__occurrence")
    landlords = RoundTemplate.objects.values("organisation").distinct().count()
    assert remarks.count() == 3 * landlords
    assert all(r.request.source == "round" and r.request.household_id is None for r in remarks)
    codes = {r.request.category.code for r in remarks}
    assert codes == {"doors_locks", "water_leak", "common_areas"}
    assert remarks.filter(handled_at__isnull=False).count() == landlords
    assert remarks.filter(step__occurrence__assignee__username="gardien").count() == 3
    assert all(r.created_at == r.step.done_at for r in remarks)
    before = (RoundTemplate.objects.count(), RoundStep.objects.count(), remarks.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (RoundTemplate.objects.count(), RoundStep.objects.count(), remarks.count()) == before
