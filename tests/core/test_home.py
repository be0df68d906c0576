"""The home page is the person's work queue: each role's cards, bounded queries, names."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relais.core import audit, home
from relais.core.models import AuditEvent, CrisisMode
from relais.core.roles import Role
from relais.core.services import crisis_mode_change, crisis_notice_save

from ..allocation.factories import SessionFactory, VacancyFactory
from ..allocation.factories_commissions import board
from ..allocation.factories_letters import closed_session
from ..factories import AgencyFactory, MembershipFactory, UserFactory

# Cards each role gets (in order), from every capability (the partner's outreach card shows once
# its membership is linked to a body: tests/outreach; continuity's "declare your day" once the
# person is in the staff directory: tests/continuity).
EXPECTED = {
    Role.DIRECTOR: [
        "core.crisis",
        "messaging.awaiting_approval",
        "allocation.week_sessions",
        "interventions.open_safety",
        "interventions.sla",
        "outreach.coverage",
        "reservations.dalo_overdue",
        "payables.to_approve",
        "worksites.to_sign",
        "core.audit_alerts",
        "federation.my_figures",
        "core.agencies",
    ],
    Role.MANAGER: [
        "core.crisis",
        "messaging.awaiting_approval",
        "allocation.vacancies_ready",
        "interventions.to_triage",
        "interventions.overdue_work_orders",
        "proximity.missed",
        "proximity.coverage",
        "allocation.letters_to_send",
        "allocation.offers_pending",
        "allocation.conditional_pending",
        "supplies.under_threshold",
        "payables.to_approve",
        "worksites.to_restart",
        "federation.my_figures",
        "core.agencies",
    ],
    Role.ALLOCATION_OFFICER: [
        "core.crisis",
        "allocation.vacancies_ready",
        "allocation.sessions_to_prepare",
        "allocation.letters_to_send",
        "allocation.offers_pending",
        "reservations.dalo_overdue",
        "allocation.conditional_pending",
        "core.agencies",
    ],
    Role.CUSTOMER_OFFICER: [
        "core.crisis",
        "interventions.calls_to_return",
        "interventions.deferred",
        "core.agencies",
    ],
    Role.CARETAKER: [
        "core.crisis",
        "proximity.today",
        "core.agencies",
    ],
    Role.TECHNICIAN: [
        "core.crisis",
        "interventions.to_triage",
        "interventions.overdue_work_orders",
        "payables.to_approve",
        "worksites.to_restart",
        "core.agencies",
    ],
    Role.ACCOUNTANT: [
        "core.crisis",
        "rent.unmatched",
        "rent.arrears",
        "rent.missed_plans",
        "payables.to_pay",
        "payables.held",
        "core.agencies",
    ],
    Role.OUTREACH_CALLER: [
        "core.crisis",
        "outreach.today",
        "core.agencies",
    ],
    Role.READ_ONLY: ["core.crisis", "core.agencies"],
    Role.HR_OFFICER: ["core.crisis", "core.agencies"],
    Role.COMMISSION_MEMBER: ["allocation.my_open_sessions"],
    Role.SOCIAL_PARTNER: [],
    Role.FEDERATION_ANALYST: [
        "federation.missing",
        "federation.regional",
        "supplies.open_campaigns",
        "supplies.unanswered",
    ],
    Role.RESERVATION_HOLDER: ["reservations.holder_waiting"],
}
# Queries of the whole home page (session, user, memberships, crisis state, cards, links): the
# manager's has the most cards (15, from ten capabilities, each a fixed number of queries);
# ``test_queries_do_not_grow_with_the_data`` checks that more rows do not mean more queries.
# +2 for the federation: "figures for the federation" and "new template version" (a count each).
MAX_QUERIES = 42


@pytest.fixture
def busy(organisation):
    """An organisation with something in every card."""
    for index in range(3):
        AgencyFactory(organisation=organisation, name=f"Agence {index}")
    for _ in range(6):
        VacancyFactory(dwelling__building__residence__organisation=organisation)
    SessionFactory(commission__organisation=organisation, status="draft")
    closed_session(organisation)
    board(organisation, items=3)
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=CrisisMode.CRISIS,
        switches={"reception_closed": True},
    )
    crisis_notice_save(
        organisation=organisation,
        actor=None,
        text="Agences fermées",
        phone_lines="",
        emergency_phone="06 12 34 56 78",
        links="",
    )
    return organisation


def _client(organisation, role, **user):
    membership = MembershipFactory(
        organisation=organisation,
        role=role,
        user__username=role,
        **{f"user__{k}": v for k, v in user.items()},
    )
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_cards_in_bounded_queries(busy, role, django_assert_max_num_queries):
    client = _client(busy, role)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert [card.key for card in response.context["cards"]] == EXPECTED[role]


def test_queries_do_not_grow_with_the_data(organisation, django_assert_num_queries):
    """The officer's home costs the same number of queries with 1 or 12 of everything."""
    client = _client(organisation, Role.ALLOCATION_OFFICER)
    VacancyFactory(dwelling__building__residence__organisation=organisation)
    closed_session(organisation, mark="1")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    for index in range(12):
        VacancyFactory(dwelling__building__residence__organisation=organisation)
        AgencyFactory(organisation=organisation, name=f"Agence {index}")
    closed_session(organisation, mark="2")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("core:home"))


def test_director_sees_the_crisis_card_and_the_audit_alerts(busy):
    director = UserFactory(first_name="Claire", last_name="Moreau")
    audit.record(action="housing.exported", organisation=busy, actor=director)
    audit.record(action="household.viewed", organisation=busy, actor=director)  # not an alert
    old = audit.record(action="application.exported", organisation=busy, actor=director)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    client = _client(busy, Role.DIRECTOR)
    response = client.get(reverse("core:home"))
    cards = {card.key: card for card in response.context["cards"]}
    crisis = cards["core.crisis"]
    assert (crisis.count, crisis.text) == (None, "Crise")
    assert [row.label for row in crisis.rows] == ["Accueil du public fermé", "Avis au public"]
    alerts = cards["core.audit_alerts"]
    assert alerts.count == 1
    assert alerts.rows[0].label == "Export de données du patrimoine"
    assert "par Claire Moreau" in alerts.rows[0].detail
    agencies = cards["core.agencies"]
    assert agencies.count == 0  # reception closed: none open to the public


def test_staff_who_cannot_edit_the_notice_are_offered_the_poster(busy):
    response = _client(busy, Role.CARETAKER).get(reverse("core:home"))
    crisis = response.context["cards"][0]
    assert crisis.rows[1].label == "Imprimer l’avis au public (PDF A4)"
    assert crisis.rows[1].url == reverse("core:crisis_notice_pdf")


def test_without_a_notice_editors_are_asked_to_write_it_and_others_told_who_will(organisation):
    for role, words in (
        (Role.MANAGER, "rédigez-le avant une crise"),
        (Role.CUSTOMER_OFFICER, "dès qu’un directeur ou un responsable l’aura rédigé"),
    ):
        body = _client(organisation, role).get(reverse("core:home")).content.decode()
        assert words in body, role


def test_federation_analysts_get_their_work_queue_not_a_waiting_page(organisation):
    body = _client(organisation, Role.FEDERATION_ANALYST).get(reverse("core:home")).content.decode()
    assert 'data-testid="waiting-role"' not in body
    assert "Membres sans remontée" in body
    assert reverse("housing:dwelling_list") not in body


def test_director_names_the_contact_for_partners(organisation, member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    response = client.post(
        reverse("core:organisation_settings"),
        {"contact_name": "Accueil", "contact_email": "a@b.fr", "contact_phone": "pas un numéro"},
    )
    assert "Téléphone du contact : « pas un numéro »" in response.content.decode()
    client.post(
        reverse("core:organisation_settings"),
        {"contact_name": "Accueil", "contact_email": "a@b.fr", "contact_phone": "02 47 00 00 00"},
    )
    organisation.refresh_from_db()
    assert (organisation.contact_phone, organisation.mfa_required) == ("02 47 00 00 00", False)
    event = AuditEvent.objects.get(action="organisation.settings_changed")
    assert event.changes["contact_email"] == ["", "a@b.fr"]


@pytest.mark.parametrize("role", [Role.CARETAKER, Role.TECHNICIAN, Role.ACCOUNTANT])
def test_roles_without_a_work_queue_get_links_to_their_real_pages(organisation, role):
    response = _client(organisation, role).get(reverse("core:home"))
    links = [link["url"] for link in response.context["links"]]
    assert reverse("housing:dwelling_list") in links and reverse("core:crisis") in links
    assert (reverse("housing:household_list") in links) == (role != Role.TECHNICIAN)
    assert reverse("allocation:application_list") not in links


def test_the_top_bar_and_messages_show_the_persons_name(organisation):
    client = _client(organisation, Role.DIRECTOR, first_name="Claire", last_name="Moreau")
    body = client.get(reverse("core:home")).content.decode()
    assert ">Claire Moreau</button>" in body
    assert f">{Role.DIRECTOR}</button>" not in body  # not the username
    client.post(reverse("core:crisis"), {"mode": "crisis", "note": "x"})
    body = client.get(reverse("core:crisis")).content.decode()
    assert "par Claire Moreau" in body


@translation.override("en")
def test_days_left_wording():
    today = dt.date(2026, 12, 1)
    assert home.days_left_text(dt.date(2026, 12, 4), today) == ("3 days left", "")
    assert home.days_left_text(dt.date(2026, 12, 2), today) == ("1 day left", "warning")
    assert home.days_left_text(today, today) == ("due today", "warning")
    assert home.days_left_text(dt.date(2026, 11, 29), today) == ("2 days late", "danger")
