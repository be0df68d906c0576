"""Health-related statuses (sick, isolating) and the "vulnerable staff" flag: HR and the
director see them, every reading audited; everyone else sees "absent"."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.continuity import services
from relais.core.models import AuditEvent
from relais.core.roles import ABILITY_ROLES, STAFF_ROLES, Role

from ..factories import MembershipFactory
from .factories import staff


@pytest.fixture
def sick_team(organisation):
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    today = timezone.localdate()
    people = {}
    for last, status in (("Bernard", "sick"), ("Petit", "isolating"), ("Roux", "on_site")):
        person = staff(organisation, Role.CARETAKER, last=last, manager=manager)
        services.day_declare(
            organisation=organisation, actor=None, staff=person, day=today, status=status
        )
        people[last] = person
    people["Roux"].vulnerable = True
    people["Roux"].save()
    return manager, people


def _client(organisation, role):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def _statuses(body: str) -> list[str]:
    return re.findall(r'data-testid="(?:staff|team)-status">([^<]*)<', body)


def test_only_hr_and_the_director_see_health_statuses_in_the_directory(organisation, sick_team):
    assert ABILITY_ROLES["staff.view_health"] == {Role.DIRECTOR, Role.HR_OFFICER}
    url = reverse("continuity:staff_list")
    for role in STAFF_ROLES:
        body = _client(organisation, role).get(url).content.decode()
        health = role in ABILITY_ROLES["staff.view_health"]
        shown = ["Malade", "Isolement", "Sur site"] if health else ["Absent", "Absent", "Sur site"]
        assert _statuses(body) == shown, role
        assert ('data-testid="vulnerable"' in body) == health, role


def test_each_hr_reading_of_health_statuses_is_audited(organisation, sick_team):
    client = _client(organisation, Role.HR_OFFICER)
    client.get(reverse("continuity:staff_list"))
    client.get(reverse("continuity:team"))
    events = AuditEvent.objects.filter(organisation=organisation, action="continuity.health_viewed")
    assert [(e.changes["page"], e.changes["people"]) for e in events.order_by("pk")] == [
        ("directory", 3),
        ("team", 3),
    ]
    _client(organisation, Role.READ_ONLY).get(reverse("continuity:staff_list"))
    assert events.count() == 2  # nothing health-related shown, nothing to audit


def test_a_manager_declares_for_the_team_without_naming_an_illness(organisation, sick_team):
    manager, people = sick_team
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("continuity:team")).content.decode()
    assert page.count('data-testid="team-row"') == 3
    assert _statuses(page) == ["Absent", "Absent", "Sur site"]
    assert 'value="sick"' not in page and 'value="absent"' in page
    target = people["Roux"]
    url = reverse("continuity:team_declare", args=[target.pk])
    assert client.post(url, {"status": "sick"}).status_code == 302  # refused choice
    assert target.declarations.get().status == "on_site"
    client.post(url, {"status": "absent"})
    assert target.declarations.get().status == "absent"
    assert target.declarations.get().declared_by == manager
    sick = people["Bernard"]
    client.post(reverse("continuity:team_declare", args=[sick.pk]), {"status": "absent"})
    assert sick.declarations.get().status == "sick"  # what HR sees is not erased


def test_a_manager_cannot_declare_for_someone_outside_the_team(organisation, sick_team):
    other = staff(organisation, Role.CARETAKER, last="Ailleurs")
    client = _client(organisation, Role.MANAGER)
    response = client.post(reverse("continuity:team_declare", args=[other.pk]), {"status": "leave"})
    assert response.status_code == 404
    assert not other.declarations.exists()
