"""Demo indicators: weeks computed by the production refresh, three members missing last week."""

import datetime as dt

import pytest

from relais.core.models import Federation
from relais.federation.indicators import selectors
from relais.federation.indicators.demo_extension import FederationDemo
from relais.federation.indicators.models import IndicatorValue
from relais.federation.indicators.registry import Week
from relais.housing.demo.writer import BulkWriter
from relais.worksites.models import SiteStatus

from ..factories import OrganisationFactory
from ..worksites.factories import WorkSiteFactory

pytestmark = pytest.mark.django_db


def test_demo_computes_weeks_and_leaves_three_members_missing():
    federation = Federation.objects.create(name="USH", slug="ush")
    members = [OrganisationFactory(federation=federation) for _ in range(6)]
    last = Week.of(dt.date.today()).previous()
    for member in members:
        for _ in range(5):
            WorkSiteFactory(organisation=member, status=SiteStatus.STOPPED, stopped_on=last.start)
    demo = FederationDemo()
    ids = [m.pk for m in members]
    counts = demo.seed(organisation_ids=ids, scale="tiny", seed=1, writer=BulkWriter())
    assert all(counts[pk]["indicator values"] > 0 for pk in sorted(ids)[:3])
    statuses = selectors.completeness(federation, last)
    assert sorted(s.organisation.pk for s in statuses if not s.reported) == sorted(ids)[-3:]
    assert {s.status for s in statuses if s.reported} == {"computed", "submitted"}
    demo.reset(ids)
    assert not IndicatorValue.objects.exists()
