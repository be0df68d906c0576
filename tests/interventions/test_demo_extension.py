"""Interventions' part of the demo: contractors, a few weeks of requests and work orders, the
tracking-number sequence continued, and the reset."""

import pytest
from django.db.models import Count

from relais.housing.demo import seed_demo
from relais.interventions.models import (
    Contractor,
    InterventionRequest,
    RequestNumberSequence,
    WorkOrder,
)
from relais.interventions.requests.services import next_tracking_number

pytestmark = pytest.mark.django_db


def test_the_demo_has_contractors_requests_and_work_orders_and_resets():
    seed_demo(scale="tiny", seed=3)
    assert Contractor.objects.count() >= 8  # at least 4 per landlord
    requests = InterventionRequest.objects.all()
    assert requests.count() >= 30
    statuses = set(requests.values_list("status", flat=True))
    assert "done" in statuses and statuses & {"new", "triaged", "dispatched", "scheduled"}
    done = WorkOrder.objects.filter(status="completed")
    assert done.exists() and all(w.completed_at for w in done)
    # Every dispatched request has one work order, none has two.
    assert not WorkOrder.objects.values("request").annotate(n=Count("pk")).filter(n__gt=1)
    # A request created after the demo takes the next number, not one the demo used.
    sequence = RequestNumberSequence.objects.order_by("-last").first()
    number = next_tracking_number(sequence.organisation, requests.first().reported_at)
    assert not requests.filter(organisation=sequence.organisation, tracking_number=number).exists()
    before = (requests.count(), WorkOrder.objects.count(), Contractor.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (requests.count(), WorkOrder.objects.count(), Contractor.objects.count()) == before
