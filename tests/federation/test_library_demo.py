"""The library's part of the demo: the federation's call scripts, members who adopted an
older version (their home card says so), and a reset that leaves the same counts."""

import pytest

from relais.federation.library import selectors
from relais.federation.library.models import Adoption, Template
from relais.housing.demo import seed_demo
from relais.outreach.models import Campaign

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_templates_some_members_adopted_older_versions():
    seed_demo(scale="tiny", seed=3)
    assert Template.objects.count() == 6  # two call scripts and one of each other kind
    assert Template.objects.filter(latest_number=2).exists()
    old = Adoption.objects.filter(version__number=1, template__latest_number=2).first()
    assert old is not None
    assert selectors.outdated_for(old.organisation)
    assert Campaign.objects.filter(pk=old.object_id, organisation=old.organisation).exists()
    before = (Template.objects.count(), Adoption.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (Template.objects.count(), Adoption.objects.count()) == before
