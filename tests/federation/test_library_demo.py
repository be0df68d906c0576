"""The library's part of the demo: the federation's call scripts, members who adopted an
older version (their home card says so), and a reset that leaves the same counts."""

import pytest

from relais.federation.library import registry, selectors
from relais.federation.library.models import Adoption, Template
from relais.housing.demo import seed_demo
from relais.outreach.models import Campaign

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_templates_some_members_adopted_older_versions():
    seed_demo(scale="tiny", seed=3)
    assert Template.objects.count() == 7  # two call scripts and one of each other kind
    assert Template.objects.filter(latest_number=2).exists()
    # Each template is of its own kind, and its content is what that kind reads.
    assert {t.kind for t in Template.objects.all()} == {k.code for k in registry.kinds()}
    for template in Template.objects.all():
        content = template.versions.get(number=template.latest_number).content
        assert registry.get_kind(template.kind).describe(content)
    old = Adoption.objects.filter(version__number=1, template__latest_number=2).first()
    assert old is not None
    assert selectors.outdated_for(old.organisation)
    assert Campaign.objects.filter(pk=old.object_id, organisation=old.organisation).exists()
    before = (Template.objects.count(), Adoption.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (Template.objects.count(), Adoption.objects.count()) == before
