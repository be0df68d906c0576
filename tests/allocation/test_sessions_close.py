"""The close of a session: exactly once, decisions stored, what moves on afterwards."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from relais.allocation.commissions import agenda, closing, positions, tasks
from relais.allocation.letters import sending
from relais.allocation.models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    DecisionType,
    DeclarationKind,
    ItemStatus,
    Letter,
    LetterKind,
    LetterStatus,
    SessionKind,
    SessionStatus,
    VacancyStatus,
)
from relais.core.models import AuditEvent

from .factories import SessionFactory
from .factories_commissions import board
from .factories_letters import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (msgids)."""
    with translation.override("en"):
        yield


def _vote(prepared, member, choices, item=0):
    """``choices``: per candidate in proposed order, a rank (attribution) or a reason (str)."""
    for candidate, choice in zip(prepared.candidates(item), choices, strict=True):
        if isinstance(choice, int):
            kwargs = {"choice": "attribution", "rank": choice}
        elif choice.startswith("!"):
            kwargs = {"choice": "inadmissible", "reason": choice[1:]}
        else:
            kwargs = {"choice": "non_attribution", "reason": choice}
        positions.position_record(
            session=prepared.session, member=member, candidate=candidate, **kwargs
        )


def _past_due(session):
    session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    session.save(update_fields=["closes_at"])


def _declare(prepared, member, kind, item=0, reason="Dossier à revoir"):
    positions.declaration_record(
        session=prepared.session,
        member=member,
        item=prepared.items[item],
        kind=kind,
        reason=reason,
    )


def test_the_close_happens_once_and_stores_the_decisions(organisation):
    prepared = board(organisation)
    for member in prepared.voters[:3]:
        _vote(prepared, member, [1, 2, "Typologie inadaptée"])
    session = prepared.session
    assert closing.session_close(session_id=session.pk) is None  # not due yet
    _past_due(session)
    closed = closing.session_close(session_id=session.pk)
    assert closed.status == SessionStatus.CLOSED and closed.closed_at is not None
    assert closing.session_close(session_id=session.pk) is None
    assert AuditEvent.objects.filter(action="session.closed").count() == 1
    event = AuditEvent.objects.get(action="session.closed")
    assert event.changes["positions_counted"] == 9
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.DECIDED, 3, 4)
    first, second, third = prepared.candidates()
    assert (first.decision, first.decided_rank) == (DecisionType.RANKED, 1)
    assert (second.decision, second.decided_rank) == (DecisionType.RANKED, 2)
    assert (third.decision, third.decision_reason) == (
        DecisionType.NON_ATTRIBUTION,
        "Typologie inadaptée",
    )
    assert third.tally["non_attribution"] == 3 and third.tally["abstentions"] == 0
    item.vacancy.refresh_from_db()
    assert item.vacancy.status == VacancyStatus.ALLOCATED
    statuses = {c.proposed_rank: c.application.status for c in prepared.candidates()}
    assert statuses == {
        1: ApplicationStatus.PROPOSED,  # allocated when the offer is accepted (letters)
        2: ApplicationStatus.PROPOSED,
        3: ApplicationStatus.ACTIVE,
    }


def test_a_missing_tax_notice_gives_a_conditional_attribution(organisation):
    prepared = board(organisation)
    application = prepared.candidates()[0].application
    Application.objects.filter(pk=application.pk).update(documents_received=["identity"])
    for member in prepared.voters:
        _vote(prepared, member, [1, "Non", "!Plafond dépassé"])
    _past_due(prepared.session)
    closed = closing.session_close(session_id=prepared.session.pk)
    first, second, third = prepared.candidates()
    assert (first.decision, first.decided_rank) == (DecisionType.CONDITIONAL, 1)
    assert first.missing_document == "Avis d'imposition N-2"  # French, as printed in letters
    local_close = timezone.localdate(closed.closed_at)
    assert first.document_deadline == local_close + dt.timedelta(days=10)
    assert second.decision == DecisionType.NON_ATTRIBUTION
    assert (third.decision, third.decision_reason) == (
        DecisionType.INADMISSIBLE,
        "Plafond dépassé",
    )


def test_the_mayor_of_the_dwellings_commune_settles_a_tie(organisation):
    prepared = board(organisation)
    _vote(prepared, prepared.president, [1, 2, "Non"])
    _vote(prepared, prepared.landlord, [1, 2, "Non"])
    _vote(prepared, prepared.tenant, ["Non", 1, "Non"])
    _vote(prepared, prepared.mayor, ["Sur-occupation", 1, "Non"])
    _past_due(prepared.session)
    closing.session_close(session_id=prepared.session.pk)
    first, second, _third = prepared.candidates()
    assert first.decision == DecisionType.NON_ATTRIBUTION
    assert first.tally["casting_vote"] is True
    assert (second.decision, second.decided_rank) == (DecisionType.ATTRIBUTION, 1)


def test_no_quorum_postpones_and_frees_the_vacancy(organisation):
    prepared = board(organisation)
    _vote(prepared, prepared.tenant, [1, 2, 3])
    _past_due(prepared.session)
    closing.session_close(session_id=prepared.session.pk)
    item = AgendaItem.objects.select_related("vacancy").get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.POSTPONED, 1, 4)
    assert item.vacancy.status == VacancyStatus.READY
    assert {c.decision for c in prepared.candidates()} == {""}
    assert {c.application.status for c in prepared.candidates()} == {ApplicationStatus.ACTIVE}


def test_a_conflicted_member_leaves_the_items_count(organisation):
    prepared = board(organisation)
    _declare(prepared, prepared.mayor, DeclarationKind.CONFLICT)
    for member in (prepared.president, prepared.tenant):
        _vote(prepared, member, [1, 2, 3])
    _past_due(prepared.session)
    closing.session_close(session_id=prepared.session.pk)
    item = AgendaItem.objects.get(pk=prepared.items[0].pk)
    assert (item.status, item.participants, item.voting_members) == (ItemStatus.DECIDED, 2, 3)


def test_sent_back_item_goes_to_the_next_in_person_session(organisation):
    prepared = board(organisation, items=2)
    _declare(prepared, prepared.advisory, DeclarationKind.SEND_BACK, item=1)
    for member in prepared.voters:
        _vote(prepared, member, [1, 2, 3], item=1)
    later = SessionFactory(
        commission=prepared.commission,
        kind=SessionKind.IN_PERSON,
        status=SessionStatus.DRAFT,
        opens_at=timezone.now() + dt.timedelta(days=7),
    )
    _past_due(prepared.session)
    closing.session_close(session_id=prepared.session.pk)
    sent_back = AgendaItem.objects.get(pk=prepared.items[1].pk)
    assert sent_back.status == ItemStatus.SENT_BACK
    assert {c.decision for c in sent_back.candidates.all()} == {""}
    carried = later.items.get()
    assert carried.vacancy_id == sent_back.vacancy_id
    assert [(c.application_id, c.proposed_rank) for c in carried.candidates.all()] == [
        (c.application_id, c.proposed_rank) for c in sent_back.candidates.all()
    ]
    carried.vacancy.refresh_from_db()
    assert carried.vacancy.status == VacancyStatus.ON_AGENDA
    assert {c.application.status for c in carried.candidates.all()} == {ApplicationStatus.PROPOSED}
    assert not agenda.sent_back_waiting(prepared.commission).exists()


def test_sent_back_without_an_in_person_session_waits_for_the_next_one(organisation):
    prepared = board(organisation)
    _declare(prepared, prepared.tenant, DeclarationKind.SEND_BACK)
    _past_due(prepared.session)
    closing.session_close(session_id=prepared.session.pk)
    assert list(agenda.sent_back_waiting(prepared.commission)) == [prepared.items[0]]
    next_one = agenda.session_create(
        commission=prepared.commission,
        actor=None,
        kind=SessionKind.IN_PERSON,
        opens_at=timezone.now() + dt.timedelta(days=3),
    )
    assert next_one.items.get().vacancy_id == prepared.items[0].vacancy_id
    assert next_one.items.get().candidates.count() == 3
    assert not agenda.sent_back_waiting(prepared.commission).exists()


def test_an_in_person_session_is_closed_by_the_officer_at_any_time(organisation):
    prepared = board(organisation, kind=SessionKind.IN_PERSON)
    for member in prepared.voters:
        _vote(prepared, member, [1, 2, 3])
    assert closing.session_close(session_id=prepared.session.pk, actor=None) is not None
    assert {c.decided_rank for c in prepared.candidates()} == {1, 2, 3}


def test_the_periodic_task_closes_due_remote_sessions_only(organisation):
    due, not_due = board(organisation), board(organisation)
    in_person = board(organisation, kind=SessionKind.IN_PERSON)
    _past_due(due.session)
    _past_due(in_person.session)
    assert tasks.close_due_sessions.call() == [due.session.pk]
    assert tasks.close_due_sessions.call() == []
    statuses = {
        s.session.pk: type(s.session).objects.get(pk=s.session.pk).status
        for s in (due, not_due, in_person)
    }
    assert statuses == {
        due.session.pk: SessionStatus.CLOSED,
        not_due.session.pk: SessionStatus.OPEN,
        in_person.session.pk: SessionStatus.OPEN,
    }


def test_the_command_runs_the_sweep(organisation):
    due = board(organisation)
    _past_due(due.session)
    out = StringIO()
    call_command("close_due_sessions", stdout=out)
    assert f"closed 1 session [{due.session.pk}]" in out.getvalue()


def test_the_close_draws_up_the_minutes_and_the_letters(
    organisation, django_capture_on_commit_callbacks
):
    prepared = board(organisation)
    for member in prepared.voters:
        _vote(prepared, member, [1, 2, "Typologie inadaptée"])
    _past_due(prepared.session)
    with django_capture_on_commit_callbacks(execute=True):
        closing.session_close(session_id=prepared.session.pk)
    prepared.session.refresh_from_db()
    assert bytes(prepared.session.minutes_pdf).startswith(b"%PDF")
    kinds = set(Letter.objects.values_list("candidate__proposed_rank", "kind"))
    assert kinds == {
        (1, LetterKind.OFFER),
        (2, LetterKind.RANKED),  # told their rank
        (3, LetterKind.NON_ATTRIBUTION),
    }
    # Drafts for the officer: nothing sent, and the members' note is not in the letter.
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.DRAFT}
    refusal = Letter.objects.get(kind=LetterKind.NON_ATTRIBUTION)
    assert refusal.candidate.decision_reason == "Typologie inadaptée"  # in the minutes
    assert "Typologie inadaptée" not in pdf_text(sending.letter_preview(refusal))
