"""Continuity's part of the demo: the plan adopted, every demo account in the directory with
a fortnight of declared days, and the reset."""

import pytest
from django.utils import translation

from relais.continuity.models import Declaration, Plan, StaffMember
from relais.housing.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_staff_and_declared_days_and_resets():
    seed_demo(scale="tiny", seed=3)
    assert Plan.objects.count() >= 1
    staff = StaffMember.objects.all()
    assert staff.count() >= 10
    assert not staff.filter(membership__role__in=["commission_member", "social_partner"])
    # The directory's « Équipe et agence » column: a team that is not the role again, an agency.
    with translation.override("fr"):
        for person in staff.select_related("membership", "agency"):
            assert person.team and person.team != person.membership.get_role_display()
            assert person.agency.organisation_id == person.organisation_id
    # Line managers: a manager's team page (« /continuite/equipe/ ») lists people.
    from relais.continuity.selectors import team_of

    manager = staff.filter(membership__role="manager").select_related("membership").first()
    team = team_of(manager.organisation, manager.membership.user)
    assert team.exists() and not team.filter(membership__role="director")
    assert not staff.filter(membership__role="director", manager__isnull=False)
    days = Declaration.objects.all()
    assert days.count() >= staff.count() * 5
    assert {"on_site", "telework"} <= set(days.values_list("status", flat=True))
    before = (Plan.objects.count(), staff.count(), days.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (Plan.objects.count(), staff.count(), days.count()) == before
