"""Demo work sites: every status of the restart shown, with companies and checklists."""

import pytest

from relais.housing.demo.writer import BulkWriter
from relais.worksites.demo_extension import WorksitesDemo
from relais.worksites.models import SiteCompany, SiteStatus, WorkSite

from ..factories import ResidenceFactory

pytestmark = pytest.mark.django_db


def test_demo_sites_cover_the_restart_and_reset(organisation):
    for _ in range(6):
        ResidenceFactory(organisation=organisation)
    demo = WorksitesDemo()
    counts = demo.seed(
        organisation_ids=[organisation.pk], scale="small", seed=1, writer=BulkWriter()
    )
    assert counts == {organisation.pk: {"work sites": 6}}
    statuses = set(WorkSite.objects.values_list("status", flat=True))
    assert {SiteStatus.STOPPED, SiteStatus.PREPARING_RESTART, SiteStatus.RESTARTED} <= statuses
    preparing = WorkSite.objects.get(status=SiteStatus.PREPARING_RESTART)
    assert preparing.checklist.filter(done_on__isnull=False).count() == 6
    assert SiteCompany.objects.filter(site=preparing).count() == 3
    demo.reset([organisation.pk])
    assert not WorkSite.objects.exists()
