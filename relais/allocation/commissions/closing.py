"""The close of a session: claim it once, tally each item (``tally``), apply the decisions to
applications and vacancies, carry over what was sent back, and queue what follows the close.
See ``sessions``'s docstring for how the close and late votes exclude each other."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.transactions import write_transaction

from ..applications.services import Document
from ..models import (
    AgendaItem,
    Application,
    Candidate,
    CommissionMember,
    DecisionType,
    DeclarationKind,
    ItemDeclaration,
    ItemStatus,
    Position,
    PositionChoice,
    Session,
    SessionKind,
    SessionStatus,
    Vacancy,
    VacancyStatus,
)
from .agenda import carry_over, release_applications
from .checks import enforce_eligibility
from .electorate import casting_member, covers, item_electorate, place_of
from .sessions import SESSION_AFTER_CLOSE, vacancy_move
from .tally import CandidateIn, ItemIn, Vote, tally_item

CONDITION_DEADLINE_DAYS = 10  # to hand in the missing document after a conditional decision
# Documents of the closed list whose absence turns an attribution into an attribution under
# suspensive condition (R441-3 c): the tax notice the income is checked against.
SUSPENSIVE_DOCUMENTS = (Document.TAX_NOTICE_N2,)
ATTRIBUTED = (DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL)


@write_transaction
def session_close(*, session_id: int, actor=None, now=None) -> Session | None:
    """Close a session exactly once and decide its items; None when there was nothing to do.

    A remote session closes at its closing time (by the task, or lazily when a page of it is
    opened); an in-person session when the officer closes it at the end of the meeting.
    """
    now = now or timezone.now()
    due = Q(kind=SessionKind.IN_PERSON) | Q(closes_at__lte=now)
    with transaction.atomic():
        claimed = Session.objects.filter(due, pk=session_id, status=SessionStatus.OPEN).update(
            status=SessionStatus.CLOSED, closed_at=now
        )
        if not claimed:
            return None
        session = Session.objects.select_related("commission", "organisation").get(pk=session_id)
        summary = _tally_session(session, actor)
        audit.record(
            action="session.closed",
            organisation=session.organisation,
            actor=actor,
            obj=session,
            changes=summary,
        )
        transaction.on_commit(lambda: _after_close(session_id))
    return session


def close_if_due(session: Session) -> Session:
    """The lazy close: a page of a remote session past its closing time closes it first."""
    due = session.kind == SessionKind.REMOTE and session.closes_at <= timezone.now()
    if session.status == SessionStatus.OPEN and due:
        session_close(session_id=session.pk)
        session.refresh_from_db()
    return session


def _after_close(session_id: int) -> None:
    enqueue(SESSION_AFTER_CLOSE, session_id)


def _missing_documents(application: Application) -> tuple[str, ...]:
    """Labels of the missing documents, in French whatever the closer's language: they are
    stored on the candidate and printed in the (French) minutes and letters."""
    received = set(application.documents_received or ())
    with translation.override("fr"):
        return tuple(
            str(Document(code).label) for code in SUSPENSIVE_DOCUMENTS if code not in received
        )


def _items_input(session: Session, items) -> dict[int, ItemIn]:
    """The tally's input per item: who votes on it (electorate.py), the quorum base fixed at
    the opening, the positions and declarations, the holder of the casting vote."""
    members = list(CommissionMember.objects.filter(commission=session.commission, is_active=True))
    members.sort(key=lambda m: m.pk)
    votes: dict[int, list[Vote]] = {}
    rows = Position.objects.filter(candidate__item__session=session).values_list(
        "candidate__item_id", "member_id", "candidate_id", "choice", "rank", "reason"
    )
    for item_id, *vote in rows:
        votes.setdefault(item_id, []).append(Vote(*vote))
    declared: dict[tuple[int, str], set[int]] = {}
    declarations = ItemDeclaration.objects.filter(item__session=session)
    for item_id, member_id, kind in declarations.values_list("item_id", "member_id", "kind"):
        declared.setdefault((item_id, kind), set()).add(member_id)
    return {
        item.pk: ItemIn(
            candidates=tuple(
                CandidateIn(
                    candidate_id=c.pk,
                    score=c.score_at_proposal,
                    proposed_rank=c.proposed_rank,
                    missing_documents=_missing_documents(c.application),
                )
                for c in item.candidates.all()
            ),
            votes=tuple(votes.get(item.pk, ())),
            voting_member_ids=frozenset(
                m.pk for m in members if m.votes and covers(m, place_of(item))
            ),
            quorum_base_ids=frozenset(item_electorate(item, members)),
            conflicted_member_ids=frozenset(declared.get((item.pk, DeclarationKind.CONFLICT), ())),
            sent_back_by=frozenset(declared.get((item.pk, DeclarationKind.SEND_BACK), ())),
            casting_member_id=casting_member(item, members, session.casting_vote),
            quorum_ratio=Decimal(session.quorum_ratio),
            decision_rule=session.decision_rule,
        )
        for item in items
    }


def _tally_session(session: Session, actor) -> dict:
    items = list(
        session.items.select_related("vacancy__dwelling__building__commune")
        .prefetch_related("candidates__application")
        .order_by("position", "pk")
    )
    inputs = _items_input(session, items)
    decided_on = timezone.localdate(session.closed_at)
    summary = []
    for item in items:
        outcome = tally_item(inputs[item.pk])
        _apply(item, outcome, decided_on)
        enforce_eligibility(item, decided_on)  # legal conditions override the votes
        summary.append(_after_item(session, item, actor, decided_on))
    counted = sum(
        c.tally.get(choice, 0)
        for item in items
        for c in item.candidates.all()
        for choice in PositionChoice.values
    )
    return {"items": summary, "positions_counted": counted}


def _apply(item: AgendaItem, outcome, decided_on: dt.date) -> None:
    item.status = outcome.status
    item.participants, item.voting_members = outcome.participants, outcome.voting_members
    item.save(update_fields=["status", "participants", "voting_members"])
    candidates = list(item.candidates.all())
    deadline = decided_on + dt.timedelta(days=CONDITION_DEADLINE_DAYS)
    for candidate in candidates:
        result = outcome.for_candidate(candidate.pk)
        candidate.decision, candidate.decided_rank = result.decision, result.decided_rank
        candidate.decision_reason = result.reason
        candidate.missing_document = result.missing_document
        candidate.document_deadline = deadline if result.missing_document else None
        candidate.tally = {**result.tally, "why": outcome.why}
    Candidate.objects.bulk_update(
        candidates,
        [
            "decision",
            "decided_rank",
            "decision_reason",
            "missing_document",
            "document_deadline",
            "tally",
        ],
    )


def _after_item(session: Session, item: AgendaItem, actor, decided_on: dt.date) -> dict:
    """Move the vacancy and the applications on; carry a sent-back item over."""
    vacancy = Vacancy.objects.select_for_update().get(pk=item.vacancy_id)
    candidates = list(item.candidates.all())
    carried_to = None
    if item.status == ItemStatus.SENT_BACK:
        target = (
            Session.objects.filter(
                commission=session.commission,
                kind=SessionKind.IN_PERSON,
                status=SessionStatus.DRAFT,
            )
            .order_by("opens_at", "pk")
            .first()
        )
        carried = carry_over(item, target, actor) if target else None
        carried_to = target.pk if carried else None
    elif any(c.decision in ATTRIBUTED for c in candidates):
        vacancy_move(vacancy, to=VacancyStatus.ALLOCATED, actor=actor, on=decided_on)
    else:
        vacancy_move(vacancy, to=VacancyStatus.READY, actor=actor, on=decided_on)
    waiting = [c.application_id for c in candidates if c.decision not in ATTRIBUTED]
    release_applications(waiting, actor)
    return {
        "item": item.pk,
        "vacancy": vacancy.pk,
        "status": item.status,
        "participants": item.participants,
        "voting_members": item.voting_members,
        "carried_to_session": carried_to,
        "decisions": {str(c.pk): [c.decision, c.decided_rank] for c in candidates},
    }
