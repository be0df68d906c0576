"""Declaring one's day in one tap; the owner of an activity alerted when it falls below its
minimum staffing while the plan is active; the home cards."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relais.continuity import services
from relais.continuity.models import Declaration, Plan
from relais.core.models import AuditEvent, CrisisMode
from relais.core.outbox import OutboxMessage
from relais.core.roles import Role
from relais.core.services import crisis_mode_change

from ..factories import MembershipFactory, UserFactory
from .factories import plan_with, staff


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_person_declares_their_day_in_one_tap_and_can_change_it(organisation):
    person = staff(organisation, Role.CARETAKER)
    client = _client(person.membership.user)
    url = reverse("continuity:declare")
    page = client.get(url).content.decode()
    assert 'value="on_site"' in page and 'value="sick"' in page
    assert client.post(url, {"status": "telework"}).status_code == 302
    assert client.post(url, {"status": "telework"}).status_code == 302  # double tap
    client.post(url, {"status": "on_site"})
    declared = Declaration.objects.get()
    assert (declared.day, declared.status) == (timezone.localdate(), "on_site")
    events = AuditEvent.objects.filter(action="continuity.day_declared")
    assert [e.changes["status"] for e in events.order_by("pk")] == [
        ["", "telework"],
        ["telework", "on_site"],
    ]
    leave = timezone.localdate() + dt.timedelta(days=10)
    client.post(url, {"status": "leave", "day": leave.isoformat()})
    assert Declaration.objects.get(day=leave).status == "leave"


def test_bad_input_is_refused_with_a_message_and_nothing_written(organisation):
    person = staff(organisation, Role.CARETAKER)
    client = _client(person.membership.user)
    url = reverse("continuity:declare")
    far = timezone.localdate() + dt.timedelta(days=400)
    for data in ({"status": "holiday"}, {"status": "leave", "day": far.isoformat()}):
        response = client.post(url, data)
        assert response.status_code == 400
    assert "deux mois à l’avance" in response.content.decode()
    assert not Declaration.objects.exists()


def test_someone_outside_the_directory_is_told_whom_to_ask(organisation):
    user = MembershipFactory(organisation=organisation, role=Role.TECHNICIAN).user
    client = _client(user)
    page = client.get(reverse("continuity:declare")).content.decode()
    assert "demandez aux ressources humaines" in page
    client.post(reverse("continuity:declare"), {"status": "on_site"})
    assert not Declaration.objects.exists()


def test_the_owner_is_alerted_once_when_the_shortfall_is_certain(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    owner = UserFactory(username="karim", first_name="Karim", last_name="Benali")
    MembershipFactory(user=owner, organisation=organisation, role=Role.MANAGER)
    plan_with(organisation, (Role.CARETAKER, 2), owner=owner, name="Ordures ménagères")
    people = [staff(organisation, Role.CARETAKER, last=f"Agent{i}") for i in range(3)]
    today = timezone.localdate()

    def declare(person, status):
        with django_capture_on_commit_callbacks(execute=True):
            services.day_declare(
                organisation=organisation, actor=None, staff=person, day=today, status=status
            )

    declare(people[0], "sick")  # plan not active: no alert
    assert not OutboxMessage.objects.exists()
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=CrisisMode.CRISIS,
        switches={"continuity_plan_active": True},
    )
    declare(people[1], "on_site")  # 1 available, 1 unknown: could still be met
    assert not OutboxMessage.objects.exists()
    declare(people[2], "isolating")  # 1 of 2, nobody left to declare: certain
    declare(people[0], "leave")
    assert [m["To"] for m in smtp_server.messages] == ["karim@example.org"]
    message = smtp_server.messages[0]
    assert message["Subject"].strip() == "Sous l’effectif minimum : Ordures ménagères"
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert " : 1 disponible sur 2 nécessaires" in body
    assert "/continuite/couverture/" in body


def test_home_cards(organisation):
    manager = UserFactory(username="karim")
    MembershipFactory(user=manager, organisation=organisation, role=Role.MANAGER)
    mine = staff(organisation, Role.CARETAKER, last="Roux", manager=manager)
    staff(organisation, Role.CARETAKER, last="Petit", manager=manager)
    plan_with(organisation, (Role.CARETAKER, 1))

    def cards(user):
        response = _client(user).get(reverse("core:home"))
        return {card.key: card for card in response.context["cards"]}

    assert "continuity.declare_day" in cards(mine.membership.user)
    services.day_declare(
        organisation=organisation,
        actor=None,
        staff=mine,
        day=timezone.localdate(),
        status="on_site",
    )
    assert "continuity.declare_day" not in cards(mine.membership.user)
    found = cards(manager)
    assert found["continuity.team_undeclared"].count == 1
    assert found["continuity.team_undeclared"].rows[0].label == "Anne Petit"
    below = found["continuity.below_minimum"]
    assert below.count == 10  # the template's activities: nobody of their roles
    assert "Relation locataires" not in [row.label for row in below.rows]
    assert any(row.detail.endswith("manquants") for row in below.rows)
    for row in below.rows:  # « 2 manquants », never « 2 manquant »
        n = int(row.detail.split()[0])
        assert row.detail == (f"{n} manquants" if n > 1 else f"{n} manquant")
    director = MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user
    assert "continuity.latest_report" not in cards(director)
    services.report_build(organisation=organisation, day=timezone.localdate())
    assert "continuity.latest_report" in cards(director)
    assert Plan.objects.count() == 1


def test_the_managers_cards_cost_four_queries_whatever_the_team(
    organisation, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = UserFactory(username="karim")
    MembershipFactory(user=manager, organisation=organisation, role=Role.MANAGER)
    client = _client(manager)
    with CaptureQueriesContext(connection) as bare:
        client.get(reverse("core:home"))
    for index in range(3):
        staff(organisation, Role.CARETAKER, last=f"Agent{index}", manager=manager)
    plan_with(organisation, (Role.CARETAKER, 1))
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("core:home"))
    # declare (1), team (1), below minimum (2) instead of 3 without a plan or a team
    assert len(few.captured_queries) - len(bare.captured_queries) == 1
    keys = [card.key for card in response.context["cards"]]
    ours = [key for key in keys if key.startswith("continuity.")]
    assert ours == ["continuity.team_undeclared", "continuity.below_minimum"]
    for index in range(12):
        staff(organisation, Role.TECHNICIAN, last=f"Tech{index}", manager=manager)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("core:home"))


@pytest.mark.parametrize(
    ("available", "minimum", "line"),
    [
        (0, 1, "Gardien : 0 disponible sur 1 nécessaire"),
        (1, 2, "Gardien : 1 disponible sur 2 nécessaires"),
        (2, 3, "Gardien : 2 disponibles sur 3 nécessaires"),
    ],
)
def test_a_shortfall_line_agrees_each_count_with_its_noun(available, minimum, line):
    from relais.continuity.services import _shortfall_line

    with translation.override("fr"):
        assert _shortfall_line("Gardien", available, minimum) == line
