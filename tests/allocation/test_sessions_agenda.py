"""Preparing a session: creation, the agenda, opening; positions and declarations."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_tasks import default_task_backend

from relais.allocation.commissions import agenda, positions, sessions
from relais.allocation.models import (
    AgendaItem,
    ApplicationStatus,
    DeclarationKind,
    FewCandidatesReason,
    ItemDeclaration,
    Position,
    SessionKind,
    SessionStatus,
    VacancyStatus,
)
from relais.core.models import AuditEvent
from relais.core.outbox.models import OutboxMessage
from relais.core.services import crisis_mode_change

from .factories import ApplicationFactory, CommissionFactory, SessionFactory, VacancyFactory
from .factories_commissions import board

PARIS = ZoneInfo("Europe/Paris")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (msgids)."""
    with translation.override("en"):
        yield


def _applications(organisation, count, **extra):
    return [ApplicationFactory(organisation=organisation, **extra) for _ in range(count)]


def test_new_sessions_are_remote_in_crisis_with_remote_commissions(organisation):
    commission = CommissionFactory(organisation=organisation, remote_duration_hours=48)
    opens_at = timezone.now()
    in_person = agenda.session_create(commission=commission, actor=None, opens_at=opens_at)
    assert in_person.kind == SessionKind.IN_PERSON
    assert in_person.closes_at - opens_at == dt.timedelta(hours=sessions.IN_PERSON_HOURS)
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode="crisis",
        switches={"remote_commissions": True},
    )
    remote = agenda.session_create(commission=commission, actor=None, opens_at=opens_at)
    assert remote.kind == SessionKind.REMOTE
    assert remote.closes_at - opens_at == dt.timedelta(hours=48)
    assert remote.quorum_ratio == commission.rules.quorum_ratio
    assert AuditEvent.objects.filter(action="session.created").count() == 2


def test_agenda_item_add_ranks_candidates_and_moves_statuses(organisation):
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    vacancy = VacancyFactory(dwelling__building__residence__organisation=organisation)
    applications = [
        ApplicationFactory(organisation=organisation, score=score) for score in (12, 40, 7)
    ]
    ids = [applications[1].pk, applications[0].pk, applications[2].pk]
    item = agenda.agenda_item_add(session=session, vacancy=vacancy, actor=None, application_ids=ids)
    ranked = list(item.candidates.order_by("proposed_rank"))
    assert [c.application_id for c in ranked] == ids
    assert [c.score_at_proposal for c in ranked] == [40, 12, 7]
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.ON_AGENDA
    for application in applications:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.PROPOSED
    event = AuditEvent.objects.get(action="agenda_item.added")
    assert event.changes["candidates"] == [applications[i].registration_number for i in (1, 0, 2)]
    with pytest.raises(ValidationError, match="not ready"):
        agenda.agenda_item_add(session=session, vacancy=vacancy, actor=None, application_ids=ids)


def test_fewer_than_three_candidates_needs_a_recorded_exception(organisation):
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    vacancy = VacancyFactory(dwelling__building__residence__organisation=organisation)
    ids = [a.pk for a in _applications(organisation, 2)]
    with pytest.raises(ValidationError, match="three candidates"):
        agenda.agenda_item_add(session=session, vacancy=vacancy, actor=None, application_ids=ids)
    assert not AgendaItem.objects.exists()
    item = agenda.agenda_item_add(
        session=session,
        vacancy=vacancy,
        actor=None,
        application_ids=ids,
        few_candidates_reason=FewCandidatesReason.TOO_FEW,
    )
    assert item.few_candidates_reason == FewCandidatesReason.TOO_FEW


def test_agenda_refuses_closed_applications_and_open_sessions(organisation):
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    vacancy = VacancyFactory(dwelling__building__residence__organisation=organisation)
    applications = _applications(organisation, 2) + [
        ApplicationFactory(organisation=organisation, status=ApplicationStatus.ALLOCATED)
    ]
    ids = [a.pk for a in applications]
    with pytest.raises(ValidationError, match="no longer active"):
        agenda.agenda_item_add(session=session, vacancy=vacancy, actor=None, application_ids=ids)
    session.status = SessionStatus.OPEN
    session.save()
    fresh = [a.pk for a in _applications(organisation, 3)]
    with pytest.raises(ValidationError, match="in preparation"):
        agenda.agenda_item_add(session=session, vacancy=vacancy, actor=None, application_ids=fresh)


def test_agenda_item_remove_frees_the_vacancy_and_the_applications(organisation):
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    vacancy = VacancyFactory(dwelling__building__residence__organisation=organisation)
    applications = _applications(organisation, 3)
    item = agenda.agenda_item_add(
        session=session,
        vacancy=vacancy,
        actor=None,
        application_ids=[a.pk for a in applications],
    )
    agenda.agenda_item_remove(item=item, actor=None)
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.READY
    assert {a.status for a in type(applications[0]).objects.all()} == {ApplicationStatus.ACTIVE}


def test_session_open_tells_the_members(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    prepared = board(organisation, status=SessionStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_open(session=prepared.session, actor=None)
    prepared.session.refresh_from_db()
    assert prepared.session.status == SessionStatus.OPEN
    notices = OutboxMessage.objects.filter(purpose="allocation.session_notice")
    assert notices.count() == 5 and {m.status for m in notices} == {"sent"}
    assert len(smtp_server.messages) == 5
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert f"/mes-seances/{prepared.session.pk}/" in text
    with pytest.raises(ValidationError, match="already open"):
        sessions.session_open(session=prepared.session, actor=None)


def test_opening_queues_the_close_for_the_closing_time(
    organisation, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    prepared = board(organisation, status=SessionStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_open(session=prepared.session, actor=None)
    # Beside the members' notices, delivered by the outbox's own tasks.
    (queued,) = [r for r in default_task_backend.results if r.task.name == "close_session"]
    assert queued.args == [prepared.session.pk]
    assert queued.task.run_after == prepared.session.closes_at


def test_session_open_needs_an_agenda(organisation):
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    with pytest.raises(ValidationError, match="at least one vacancy"):
        sessions.session_open(session=session, actor=None)


# Positions and declarations ------------------------------------------------------------------


def _record(prepared, member, candidate, choice="attribution", rank=1, reason=""):
    return positions.position_record(
        session=prepared.session,
        member=member,
        candidate=candidate,
        choice=choice,
        rank=rank,
        reason=reason,
    )


def test_a_position_changes_in_place_and_a_double_submit_never_duplicates(organisation):
    prepared = board(organisation)
    first = prepared.candidates()[0]
    _record(prepared, prepared.landlord, first)
    _record(prepared, prepared.landlord, first)
    changed = _record(prepared, prepared.landlord, first, "non_attribution", None, "Trop petit")
    assert Position.objects.count() == 1
    assert (changed.choice, changed.rank, changed.reason) == ("non_attribution", None, "Trop petit")
    events = AuditEvent.objects.filter(action="vote.position_recorded")
    assert events.count() == 3
    assert "non_attribution" not in str(list(events.values_list("changes", "object_repr")))


@pytest.mark.parametrize(
    ("choice", "rank", "reason", "message"),
    [
        ("attribution", None, "", "rank between 1 and 3"),
        ("attribution", 4, "", "rank between 1 and 3"),
        ("non_attribution", None, "  ", "reason"),
        ("inadmissible", None, "", "reason"),
        ("abstain", None, "", "Choose"),
    ],
)
def test_a_position_needs_a_rank_or_a_reason(organisation, choice, rank, reason, message):
    prepared = board(organisation)
    with pytest.raises(ValidationError, match=message):
        _record(prepared, prepared.tenant, prepared.candidates()[0], choice, rank, reason)
    assert not Position.objects.exists()


def test_advisory_members_and_other_commissions_do_not_vote(organisation):
    prepared = board(organisation)
    other = board(organisation)
    candidate = prepared.candidates()[0]
    with pytest.raises(ValidationError, match="Advisory"):
        _record(prepared, prepared.advisory, candidate)
    with pytest.raises(ValidationError, match="do not sit"):
        _record(prepared, other.landlord, candidate)


def test_no_position_outside_the_session_hours_or_after_the_close(organisation):
    prepared = board(organisation, opens_at=timezone.now() + dt.timedelta(hours=1))
    candidate = prepared.candidates()[0]
    with pytest.raises(ValidationError, match="not opened yet"):
        _record(prepared, prepared.mayor, candidate)
    session = prepared.session
    session.opens_at = timezone.now() - dt.timedelta(hours=25)
    session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    session.save()
    with pytest.raises(ValidationError, match="closing time has passed"):
        _record(prepared, prepared.mayor, candidate)
    session.status = SessionStatus.CLOSED
    session.save()
    with pytest.raises(ValidationError, match="session is closed"):
        _record(prepared, prepared.mayor, candidate)


def test_a_conflict_withdraws_the_members_positions_on_the_item(organisation):
    prepared = board(organisation, items=2)
    mine, elsewhere = prepared.candidates(0)[0], prepared.candidates(1)[0]
    _record(prepared, prepared.mayor, mine)
    _record(prepared, prepared.mayor, elsewhere)
    positions.declaration_record(
        session=prepared.session,
        member=prepared.mayor,
        item=prepared.items[0],
        kind=DeclarationKind.CONFLICT,
    )
    assert list(Position.objects.values_list("candidate_id", flat=True)) == [elsewhere.pk]
    with pytest.raises(ValidationError, match="conflict of interest"):
        _record(prepared, prepared.mayor, mine)
    positions.declaration_withdraw(
        session=prepared.session,
        member=prepared.mayor,
        item=prepared.items[0],
        kind=DeclarationKind.CONFLICT,
    )
    _record(prepared, prepared.mayor, mine)
    assert Position.objects.count() == 2


def test_send_back_needs_a_reason_and_a_remote_session(organisation):
    prepared = board(organisation)
    item = prepared.items[0]

    def send_back(member, reason, target=prepared):
        return positions.declaration_record(
            session=target.session,
            member=member,
            item=target.items[0],
            kind=DeclarationKind.SEND_BACK,
            reason=reason,
        )

    with pytest.raises(ValidationError, match="examined in person"):
        send_back(prepared.advisory, "")
    send_back(prepared.advisory, "Dossier incomplet")  # any member, even advisory
    send_back(prepared.advisory, "Dossier incomplet")  # twice: still one declaration
    assert ItemDeclaration.objects.filter(item=item).count() == 1
    in_person = board(organisation, kind=SessionKind.IN_PERSON)
    with pytest.raises(ValidationError, match="Only a remote session"):
        send_back(in_person.tenant, "Dossier incomplet", in_person)


def test_effort_rates_are_estimated_once_when_candidates_go_on_the_agenda(
    organisation, monkeypatch
):
    """The benefit estimate (openfisca when installed) runs in one batch per agenda item and is
    stored; the members' pages read it instead of simulating on every view."""
    real = agenda.effort_rates
    batches = []

    def counting(candidates, **kwargs):
        candidates = list(candidates)
        batches.append(len(candidates))
        return real(candidates, **kwargs)

    monkeypatch.setattr(agenda, "effort_rates", counting)
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        dwelling__rent_cents=40_000,
        charges_cents=10_000,
    )
    applications = _applications(organisation, 3, monthly_resources_cents=200_000)
    item = agenda.agenda_item_add(
        session=session, vacancy=vacancy, actor=None, application_ids=[a.pk for a in applications]
    )
    assert batches == [3]
    for candidate in item.candidates.all():
        assert candidate.effort_rate == Decimal("0.2500")  # no benefit estimated here
        assert candidate.remaining_income_cents == 150_000


def test_a_member_cannot_give_the_same_rank_to_two_candidates_of_an_item(organisation):
    """Issue 7 §9: two candidates could both get rank 1 from the same member."""
    prepared = board(organisation)
    first, second, _third = prepared.candidates()
    _record(prepared, prepared.landlord, first, rank=1)
    with pytest.raises(ValidationError, match="already gave rank 1 to candidate 1"):
        _record(prepared, prepared.landlord, second, rank=1)
    assert list(Position.objects.values_list("candidate_id", "rank")) == [(first.pk, 1)]
    _record(prepared, prepared.tenant, second, rank=1)  # another member's ranks are their own
    _record(prepared, prepared.landlord, first, rank=2)  # re-ranking frees rank 1
    _record(prepared, prepared.landlord, second, rank=1)
    _record(prepared, prepared.landlord, first, rank=2)  # saving the same rank again is fine
    mine = Position.objects.filter(member=prepared.landlord).order_by("rank")
    assert [(p.candidate_id, p.rank) for p in mine] == [(second.pk, 1), (first.pk, 2)]


@pytest.mark.parametrize(
    ("opens_at", "closes_at"),
    [
        # Clocks go forward on 28 March 2027, back on 31 October 2027 (Europe/Paris).
        (dt.datetime(2027, 3, 27, 10, tzinfo=PARIS), dt.datetime(2027, 3, 28, 11, tzinfo=PARIS)),
        (dt.datetime(2027, 10, 30, 9, tzinfo=PARIS), dt.datetime(2027, 10, 31, 8, tzinfo=PARIS)),
    ],
)
def test_a_24_hour_remote_session_lasts_24_elapsed_hours(organisation, opens_at, closes_at):
    commission = CommissionFactory(organisation=organisation, remote_duration_hours=24)
    session = agenda.session_create(
        commission=commission, actor=None, opens_at=opens_at, kind=SessionKind.REMOTE
    )
    session.refresh_from_db()
    assert session.closes_at == closes_at
    assert session.closes_at - session.opens_at == dt.timedelta(hours=24)
