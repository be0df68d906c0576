"""Who votes on what (issue 7 §1, R441-9 CCH): each item's electorate, fixed at the opening.

The board: president, landlord and tenant representatives, the mayor of Tours (the dwellings'
commune), an advisory member; the tests add the mayor of Joué-lès-Tours, EPCI presidents and
tenant representatives seated late.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from relais.allocation.commissions import agenda, closing, electorate, positions, services, sessions
from relais.allocation.models import (
    AgendaItem,
    CastingVote,
    CommissionRules,
    DecisionType,
    ItemStatus,
    Position,
    Seat,
    SessionStatus,
)
from relais.core.models import AuditEvent

from ..factories import CommuneFactory, EpciFactory
from .factories_commissions import board, seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def joue_mayor(commission):
    joue = CommuneFactory(code="37122", name="Joué-lès-Tours")
    return seat(commission, Seat.MAYOR, commune=joue)


def vote(prepared, member, choices, item=0):
    """``choices``: per candidate in proposed order, a rank (attribution) or a reason (str)."""
    for candidate, choice in zip(prepared.candidates(item), choices, strict=True):
        if isinstance(choice, int):
            kwargs = {"choice": "attribution", "rank": choice}
        else:
            kwargs = {"choice": "non_attribution", "reason": choice}
        positions.position_record(
            session=prepared.session, member=member, candidate=candidate, **kwargs
        )


def close(prepared):
    session = prepared.session
    session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    session.save(update_fields=["closes_at"])
    return closing.session_close(session_id=session.pk)


def opened(organisation, **kwargs):
    """A board in preparation, opened by the service (which fixes the electorates)."""
    return board(organisation, status=SessionStatus.DRAFT, **kwargs)


def test_each_seat_votes_on_the_dwellings_of_its_territory_only(organisation):
    prepared = opened(organisation)
    commission = prepared.commission
    joue = joue_mayor(commission)
    tours_metropole = seat(commission, Seat.EPCI, epci=EpciFactory())
    other_epci = EpciFactory(code="200043081", name="CC Touraine Vallée de l'Indre")
    elsewhere = seat(commission, Seat.EPCI, epci=other_epci)
    prefect = seat(commission, Seat.PREFECT)
    sessions.session_open(session=prepared.session, actor=None)
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    expected = {prepared.president, prepared.landlord, prepared.tenant, prepared.mayor}
    expected |= {tours_metropole, prefect}
    assert set(item.electorate) == {m.pk for m in expected}
    assert joue.pk not in item.electorate and elsewhere.pk not in item.electorate
    assert prepared.advisory.pk not in item.electorate
    event = AuditEvent.objects.get(action="session.opened")
    assert event.changes["quorum_bases"] == [6]


def test_the_mayor_of_joue_les_tours_cannot_vote_on_a_tours_dwelling(organisation):
    prepared = board(organisation)
    joue = joue_mayor(prepared.commission)
    with pytest.raises(ValidationError, match="outside the territory of your seat"):
        vote(prepared, joue, ["Non", "Non", "Non"])
    assert not Position.objects.filter(member=joue).exists()
    for kind in ("conflict", "send_back"):  # nor declares on it
        with pytest.raises(ValidationError, match="outside the territory of your seat"):
            positions.declaration_record(
                session=prepared.session,
                member=joue,
                item=prepared.items[0],
                kind=kind,
                reason="Motif",
            )
    # An advisory member follows every item: they may declare a conflict or send it back.
    positions.declaration_record(
        session=prepared.session, member=prepared.advisory, item=prepared.items[0], kind="conflict"
    )


def test_a_two_one_attribution_stays_two_one_not_a_tie(organisation):
    """Issue 7 §1: the mayor of Joué-lès-Tours turned a 2–1 attribution of a Tours dwelling
    into a 2–2 tie and the item was postponed."""
    prepared = opened(organisation)
    joue = joue_mayor(prepared.commission)  # seated before the opening
    sessions.session_open(session=prepared.session, actor=None)
    vote(prepared, prepared.president, [1, 2, "Non"])
    vote(prepared, prepared.landlord, [1, 2, "Non"])
    vote(prepared, prepared.tenant, ["Sur-occupation", 1, "Non"])
    # A position stored for him anyway (before this rule existed) is not counted either.
    for candidate in prepared.candidates():
        Position.objects.create(
            organisation=organisation,
            member=joue,
            candidate=candidate,
            choice="non_attribution",
            reason="Non",
        )
    close(prepared)
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.DECIDED, 3, 4)
    first, second, third = prepared.candidates()
    assert (first.tally["attribution"], first.tally["non_attribution"]) == (2, 1)
    assert (first.decision, first.decided_rank) == (DecisionType.RANKED, 1)
    assert first.tally["casting_vote"] is False
    assert (second.decision, second.decided_rank) == (DecisionType.RANKED, 2)
    assert third.decision == DecisionType.NON_ATTRIBUTION


def test_members_seated_after_the_opening_do_not_change_the_quorum_base(
    organisation, django_capture_on_commit_callbacks
):
    """Issue 7 §1: opened with 4 voting members, 2 took position on every candidate (50 %),
    two tenant representatives then seated: the item was postponed for lack of quorum (2 of
    6). They get the session notice and may vote, but the base stays 4."""
    prepared = opened(organisation)
    sessions.session_open(session=prepared.session, actor=None)
    vote(prepared, prepared.president, [1, 2, "Non"])
    vote(prepared, prepared.landlord, [1, 2, "Non"])
    mail.outbox.clear()
    for number in (1, 2):
        invitation = services.commission_member_invite(
            commission=prepared.commission,
            actor=None,
            email=f"locataire{number}@example.org",
            first_name="Locataire",
            last_name=f"Représentant {number}",
            seat=Seat.TENANT,
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.commission_invitation_answer(
                invitation=invitation, user=invitation.user, accept=True
            )
    notices = [m for m in mail.outbox if "session open until" in m.subject]
    assert sorted(m.to[0] for m in notices) == ["locataire1@example.org", "locataire2@example.org"]
    close(prepared)
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.DECIDED, 2, 4)
    assert prepared.candidates()[0].decision == DecisionType.RANKED


def test_a_member_seated_late_may_vote_and_their_vote_counts_but_not_in_the_base(organisation):
    prepared = opened(organisation)
    sessions.session_open(session=prepared.session, actor=None)
    vote(prepared, prepared.president, [1, 2, "Non"])
    vote(prepared, prepared.landlord, ["Typologie", 1, "Non"])
    late = seat(prepared.commission, Seat.TENANT)
    vote(prepared, late, [1, 2, "Non"])  # breaks the 1–1 on the first candidate
    close(prepared)
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.DECIDED, 2, 4)
    first = prepared.candidates()[0]
    assert (first.tally["attribution"], first.tally["non_attribution"]) == (2, 1)
    assert first.decision == DecisionType.RANKED


def test_a_late_member_alone_does_not_make_the_quorum(organisation):
    prepared = opened(organisation)
    sessions.session_open(session=prepared.session, actor=None)
    vote(prepared, prepared.president, [1, 2, "Non"])  # 1 of 4 < 50 %
    vote(prepared, seat(prepared.commission, Seat.TENANT), [1, 2, "Non"])
    close(prepared)
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.POSTPONED, 1, 4)


def _epci_rules(commission, holder):
    CommissionRules.objects.filter(commission=commission).update(casting_vote=holder)


def test_the_epci_president_holds_the_casting_vote_where_the_rules_say_so(organisation):
    prepared = opened(organisation)
    president_epci = seat(prepared.commission, Seat.EPCI, epci=EpciFactory())
    _epci_rules(prepared.commission, CastingVote.EPCI)
    sessions.session_open(session=prepared.session, actor=None)
    # Candidate 1: 3–3; the EPCI president took "attribution", the mayor "non-attribution".
    for member in (prepared.president, prepared.landlord, president_epci):
        vote(prepared, member, [1, 2, "Non"])
    for member in (prepared.tenant, prepared.mayor, seat(prepared.commission, Seat.PREFECT)):
        vote(prepared, member, ["Sur-occupation", 1, "Non"])
    close(prepared)
    first = prepared.candidates()[0]
    assert (first.tally["attribution"], first.tally["non_attribution"]) == (3, 3)
    assert first.tally["casting_vote"] is True
    assert first.decision == DecisionType.RANKED


def test_the_mayor_holds_the_casting_vote_by_default(organisation):
    prepared = opened(organisation)
    president_epci = seat(prepared.commission, Seat.EPCI, epci=EpciFactory())
    sessions.session_open(session=prepared.session, actor=None)
    for member in (prepared.president, prepared.landlord, president_epci):
        vote(prepared, member, [1, 2, "Non"])
    for member in (prepared.tenant, prepared.mayor, seat(prepared.commission, Seat.PREFECT)):
        vote(prepared, member, ["Sur-occupation", 1, "Non"])
    close(prepared)
    first = prepared.candidates()[0]
    assert first.tally["casting_vote"] is True
    assert first.decision == DecisionType.NON_ATTRIBUTION


def test_the_rules_in_force_at_the_opening_are_copied_onto_the_session(organisation):
    prepared = opened(organisation)
    CommissionRules.objects.filter(commission=prepared.commission).update(
        quorum_ratio="0.75", decision_rule="majority", casting_vote="epci"
    )
    session = sessions.session_open(session=prepared.session, actor=None)
    assert (str(session.quorum_ratio), session.decision_rule, session.casting_vote) == (
        "0.75",
        "majority",
        "epci",
    )
    CommissionRules.objects.filter(commission=prepared.commission).update(quorum_ratio="0.50")
    vote(prepared, prepared.president, [1, 2, "Non"])
    vote(prepared, prepared.landlord, [1, 2, "Non"])
    close(prepared)  # 2 of 4 < the 75 % of the opening
    assert AgendaItem.objects.get(pk=prepared.items[0].pk).status == ItemStatus.POSTPONED


def test_a_remote_session_cannot_open_without_the_rules_providing_for_it(organisation):
    prepared = opened(organisation)
    CommissionRules.objects.filter(commission=prepared.commission).update(
        remote_sessions_allowed=False
    )
    with pytest.raises(ValidationError, match="do not provide for remote sessions"):
        sessions.session_open(session=prepared.session, actor=None)
    prepared.session.refresh_from_db()
    assert prepared.session.status == SessionStatus.DRAFT
    with pytest.raises(ValidationError, match="do not provide for remote sessions"):
        agenda.session_create(
            commission=prepared.commission, actor=None, opens_at=timezone.now(), kind="remote"
        )


def test_a_commission_without_recorded_rules_gets_the_defaults(organisation):
    prepared = opened(organisation)
    CommissionRules.objects.filter(commission=prepared.commission).delete()
    prepared.commission.refresh_from_db()
    rules = services.rules_of(prepared.commission)
    assert rules.pk is None and rules.remote_sessions_allowed is False
    assert (str(rules.quorum_ratio), rules.decision_rule, rules.casting_vote) == (
        "0.50",
        "plurality",
        "mayor",
    )


def test_an_epci_seat_without_its_epci_votes_on_nothing(organisation):
    prepared = board(organisation)
    member = seat(prepared.commission, Seat.EPCI)
    place = electorate.place_of(prepared.items[0])
    assert place.epci_id == "243700754"  # Tours Métropole Val de Loire
    assert electorate.covers(member, place) is False
    with pytest.raises(ValidationError, match="for one EPCI"):
        services.commission_member_invite(
            commission=prepared.commission,
            actor=None,
            email="epci@example.org",
            first_name="Présidente",
            last_name="EPCI",
            seat=Seat.EPCI,
        )
