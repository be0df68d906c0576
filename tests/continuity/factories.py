"""Continuity test data: people in the directory with a role, a plan with one activity."""

from relais.continuity import services
from relais.continuity.models import CriticalActivity, MinimumStaffing, StaffMember
from relais.core.roles import Role

from ..factories import MembershipFactory, UserFactory


def staff(organisation, role=Role.CUSTOMER_OFFICER, *, first="Anne", last="Durand", **fields):
    """A member of ``organisation`` with ``role`` and their directory entry."""
    user = UserFactory(first_name=first, last_name=last)
    membership = MembershipFactory(user=user, organisation=organisation, role=role)
    return StaffMember.objects.create(organisation=organisation, membership=membership, **fields)


def plan_with(organisation, *needs, owner=None, name="Relation locataires"):
    """The adopted template with one more activity requiring ``needs`` ((role, minimum) or
    (role, minimum, agency, on_site_only)); returns that activity."""
    plan = services.plan_adopt(organisation=organisation, actor=None)
    activity = CriticalActivity.objects.create(
        organisation=organisation,
        plan=plan,
        code="test",
        name=name,
        position=99,
        max_downtime_hours=24,
        owner=owner,
    )
    for need in needs:
        role, minimum, agency, on_site = (*need, None, False)[:4]
        MinimumStaffing.objects.create(
            organisation=organisation,
            activity=activity,
            role=role,
            minimum=minimum,
            agency=agency,
            on_site_only=on_site,
        )
    return activity
