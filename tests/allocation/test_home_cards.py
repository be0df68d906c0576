"""Allocation's home-page cards (relais.allocation.contributions): counts, rows, links."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.allocation.models import (
    DeclarationKind,
    ItemDeclaration,
    Letter,
    LetterKind,
    LetterStatus,
    OfferAnswer,
    Position,
    PositionChoice,
    SessionStatus,
    VacancyStatus,
)
from relais.core.roles import Role

from ..factories import MembershipFactory
from .factories import SessionFactory, VacancyFactory
from .factories_commissions import board
from .factories_letters import closed_session


def _cards(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return {card.key: card for card in response.context["cards"]}, response.content.decode()


def _offer(candidate, due, answer=OfferAnswer.PENDING):
    return Letter.objects.create(
        organisation=candidate.organisation,
        candidate=candidate,
        kind=LetterKind.OFFER,
        status=LetterStatus.SENT,
        pdf=b"%PDF",
        sent_at=timezone.now(),
        answer_due_on=due,
        answer=answer,
    )


def test_allocation_officer_sees_vacancies_sessions_offers_and_conditions(
    organisation, member_factory
):
    ready = [
        VacancyFactory(dwelling__building__residence__organisation=organisation) for _ in range(7)
    ]
    VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        status=VacancyStatus.REFURBISHMENT,
    )
    draft = SessionFactory(
        commission__organisation=organisation, status=SessionStatus.DRAFT, commission__name="CAL A"
    )
    closed = closed_session(organisation)
    today = timezone.localdate()
    _offer(closed.first, today + dt.timedelta(days=3))
    _offer(closed.second, today - dt.timedelta(days=1), answer=OfferAnswer.REFUSED)
    closed.conditional.document_deadline = today + dt.timedelta(days=5)
    closed.conditional.save()
    # Drafted at the close, not sent: a draft offer has no deadline and is no pending offer.
    for candidate, kind in ((closed.refused, "non_attribution"), (closed.inadmissible, "offer")):
        Letter.objects.create(organisation=organisation, candidate=candidate, kind=kind)

    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    cards, body = _cards(client)
    assert [k for k in cards if k.startswith("allocation.")] == [
        "allocation.vacancies_ready",
        "allocation.sessions_to_prepare",
        "allocation.letters_to_send",
        "allocation.offers_pending",
        "allocation.conditional_pending",
    ]
    vacancies = cards["allocation.vacancies_ready"]
    # The 7 above and the vacancy of the closed session's sent-back item (ready again).
    assert (vacancies.count, len(vacancies.rows), vacancies.more) == (8, 5, 3)
    assert vacancies.url == reverse("allocation:vacancy_list") + "?status=ready"
    assert vacancies.rows[0].url == reverse("allocation:vacancy_candidates", args=[ready[0].pk])
    assert "et 3 autres" in body

    sessions = cards["allocation.sessions_to_prepare"]
    assert sessions.count == 1 and sessions.rows[0].label == "CAL A"
    assert sessions.rows[0].url == reverse("allocation:session_detail", args=[draft.pk])

    to_send = cards["allocation.letters_to_send"]
    assert to_send.count == 2 and len(to_send.rows) == 1
    assert to_send.rows[0].detail == "2 courriers non envoyés"
    assert to_send.rows[0].url == reverse("allocation:letter_list", args=[closed.session.pk])

    offers = cards["allocation.offers_pending"]
    assert offers.count == 1
    assert "3 jours restants" in offers.rows[0].detail
    assert closed.first.application.registration_number in offers.rows[0].label

    conditional = cards["allocation.conditional_pending"]
    assert conditional.count == 1
    assert conditional.rows[0].detail == "Avis d'imposition 2025 – 5 jours restants"
    assert conditional.rows[0].url == reverse("allocation:letter_list", args=[closed.session.pk])


def test_a_settled_conditional_offer_leaves_the_card_and_late_offers_are_flagged(
    organisation, member_factory
):
    closed = closed_session(organisation)
    today = timezone.localdate()
    _offer(closed.conditional, today - dt.timedelta(days=2), answer=OfferAnswer.ACCEPTED)
    _offer(closed.first, today - dt.timedelta(days=2))
    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    cards, _body = _cards(client)
    assert cards["allocation.conditional_pending"].count == 0
    row = cards["allocation.offers_pending"].rows[0]
    assert ("2 jours de retard" in row.detail, row.tone) == (True, "danger")


def test_empty_cards_say_what_will_appear(member_factory):
    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    cards, body = _cards(client)
    assert all(cards[k].count == 0 for k in cards if k.startswith("allocation."))
    assert "Les propositions envoyées aux demandeurs apparaîtront ici" in body
    assert "Les logements prêts à la relocation apparaîtront ici" in body


def test_director_sees_this_weeks_sessions(organisation, member_factory):
    now = timezone.now()
    this_week = SessionFactory(commission__organisation=organisation, opens_at=now)
    SessionFactory(commission__organisation=organisation, opens_at=now + dt.timedelta(days=8))
    SessionFactory(commission__organisation=organisation, opens_at=now - dt.timedelta(days=9))
    _user, client = member_factory(Role.DIRECTOR)
    cards, _body = _cards(client)
    week = cards["allocation.week_sessions"]
    assert week.count == 1
    assert week.rows[0].url == reverse("allocation:session_detail", args=[this_week.pk])
    assert "allocation.offers_pending" not in cards


def test_commission_member_sees_open_sessions_and_where_they_took_a_position(organisation):
    seated = board(organisation, items=3, mark="Tours")
    board(organisation, items=1, mark="Autre")  # a commission they do not sit on
    tenant = seated.tenant
    first, second, third = seated.items
    Position.objects.create(
        organisation=organisation,
        member=tenant,
        candidate=first.candidates.first(),
        choice=PositionChoice.ATTRIBUTION,
        rank=1,
    )
    ItemDeclaration.objects.create(
        organisation=organisation, member=tenant, item=second, kind=DeclarationKind.CONFLICT
    )
    # Another member's position does not count for this one.
    Position.objects.create(
        organisation=organisation,
        member=seated.landlord,
        candidate=third.candidates.first(),
        choice=PositionChoice.ATTRIBUTION,
        rank=1,
    )
    from django.test import Client

    client = Client()
    client.force_login(tenant.user)
    cards, body = _cards(client)
    card = cards["allocation.my_open_sessions"]
    assert card.count == 1
    row = card.rows[0]
    assert row.label == "CALEOL Tours"
    assert "position prise sur 2 points sur 3" in row.detail
    assert [done for _text, done in row.items] == [True, True, False]
    assert row.url == reverse("allocation:vote", args=[seated.session.pk])
    assert "clôture le" in row.detail


def test_commission_member_without_open_session_gets_the_empty_state(organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.COMMISSION_MEMBER)
    from django.test import Client

    client = Client()
    client.force_login(membership.user)
    cards, body = _cards(client)
    assert cards["allocation.my_open_sessions"].count == 0
    assert "Quand une séance de votre commission s’ouvrira" in body


@pytest.mark.parametrize("role", [Role.CARETAKER, Role.SOCIAL_PARTNER])
def test_no_seat_no_session_card(role, member_factory):
    _user, client = member_factory(role)
    cards, _body = _cards(client)
    assert "allocation.my_open_sessions" not in cards
