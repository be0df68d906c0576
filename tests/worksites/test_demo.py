"""Demo work sites: every status of the restart shown, with companies and checklists."""

import pytest

from relais.housing.demo.writer import BulkWriter
from relais.worksites.demo_extension import WorksitesDemo
from relais.worksites.models import SiteCompany, SiteStatus, Stoppage, WorkSite

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
    # Each site stopped or restarted has its stop in its history, open until its restart.
    history = {
        (site, stopped, restarted)
        for site, stopped, restarted in Stoppage.objects.values_list(
            "site", "stopped_on", "restarted_on"
        )
    }
    assert history == set(
        WorkSite.objects.filter(stopped_on__isnull=False).values_list(
            "pk", "stopped_on", "restarted_on"
        )
    )
    assert len(history) == 4  # two stopped, one preparing, one restarted
    demo.reset([organisation.pk])
    assert not WorkSite.objects.exists() and not Stoppage.objects.exists()
