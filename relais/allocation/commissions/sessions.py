"""Session writes: create and open a session, its agenda, the members' positions and
declarations, and the close (see docs/commissions.md and docs/decisions/0010).

Concurrency. Every write made during an open session (a position, a declaration) first locks
the session row (``SELECT … FOR UPDATE``) and checks, under that lock, that the session is
still open and within its hours. The close claims the row with a conditional
``UPDATE … SET status = 'closed' WHERE status = 'open'`` and tallies in the same transaction. So:
a second closer's UPDATE waits for the first to commit, then matches no row and does nothing; a
vote waiting for the lock then sees the session closed and is refused; a vote that committed
before the claim is read by the tally. If the tally fails, the whole close rolls back and the
session stays open for the next attempt.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.outbox import queue_message
from relais.core.selectors import current_crisis_state
from relais.core.transactions import write_transaction
from relais.housing.models import Dwelling

from ..applications.pool import readable_applications
from ..applications.services import Document, application_set_status
from ..deadlines import elapsed_end
from ..eligibility.benefits import effort_rates
from ..models import (
    VOTING_SEATS,
    AgendaItem,
    Application,
    ApplicationStatus,
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
from ..reservations.services import check_proposal as check_reserved_proposal
from ..scoring.selectors import scores_in_epci
from ..vacancies.candidates import validate_proposal
from ..vacancies.services import vacancy_transition
from .checks import enforce_eligibility, proposal_justification
from .electorate import casting_member, covers, fix_electorates, item_electorate, place_of
from .services import rules_of
from .tally import CandidateIn, ItemIn, Vote, tally_item

# Tasks queued on commit, by path: ``tasks`` imports this module (see relais.core.enqueue).
CLOSE_SESSION = "relais.allocation.commissions.tasks.close_session"
SESSION_AFTER_CLOSE = "relais.allocation.commissions.tasks.session_after_close"
IN_PERSON_HOURS = 3  # default length of an in-person meeting
CONDITION_DEADLINE_DAYS = 10  # to hand in the missing document after a conditional decision
# Documents of the closed list whose absence turns an attribution into an attribution under
# suspensive condition (R441-3 c): the tax notice the income is checked against.
SUSPENSIVE_DOCUMENTS = (Document.TAX_NOTICE_N2,)
CANDIDATE_STATUSES = (ApplicationStatus.ACTIVE, ApplicationStatus.PROPOSED)
ATTRIBUTED = (DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL)
NO_REMOTE = _lazy(
    "The commission's internal rules do not provide for remote sessions: a director or a "
    "manager records them on the commission's internal rules page first."
)


def default_kind(organisation, rules=None) -> str:
    """Remote while the crisis switch "commissions held remotely" is on and the commission's
    internal rules (``rules``, when given) allow it, else in person."""
    allowed = rules is None or rules.remote_sessions_allowed
    if allowed and current_crisis_state(organisation).remote_commissions:
        return SessionKind.REMOTE
    return SessionKind.IN_PERSON


def _lock(session: Session) -> Session:
    """Lock the session row, first of all (lock order: docs/decisions/0024-lock-order.md).

    ``of=("self",)``: the joined commission and organisation are read, not locked — a lock on
    the organisation row would block every audited request of the landlord (their audit
    event's foreign-key check needs it). ``no_key``: nothing changes the session's key, so
    inserts that reference the session are not blocked either.
    """
    return (
        Session.objects.select_for_update(of=("self",), no_key=True)
        .select_related("commission", "organisation")
        .get(pk=session.pk, organisation_id=session.organisation_id)
    )


def _vacancy_move(vacancy: Vacancy, *, to: str, actor, on: dt.date | None = None) -> None:
    """Move the vacancy along the pipeline (``vacancies.vacancy_transition``), if not there yet.

    The date never precedes the notice: a date inconsistency must not block a close.
    """
    if vacancy.status == to:
        return
    on = max(on or timezone.localdate(), vacancy.notice_received_on)
    vacancy_transition(vacancy=vacancy, actor=actor, to=to, on=on)


# Preparing a session --------------------------------------------------------------------------


def session_create(*, commission, actor, opens_at, kind: str = "", closes_at=None) -> Session:
    """Plan a session; an in-person one takes over the items sent back to an in-person session.

    Defaults: the kind from the crisis state, the length from the commission (remote) or
    ``IN_PERSON_HOURS``, the quorum copied from the commission.
    """
    organisation = commission.organisation
    rules = rules_of(commission)
    kind = kind or default_kind(organisation, rules)
    if kind == SessionKind.REMOTE and not rules.remote_sessions_allowed:
        raise ValidationError(NO_REMOTE)
    if closes_at is None:
        hours = commission.remote_duration_hours if kind == SessionKind.REMOTE else IN_PERSON_HOURS
        closes_at = elapsed_end(opens_at, hours)  # elapsed hours, across a clock change too
    if closes_at <= opens_at:
        raise ValidationError(_("The session must close after it opens."))
    with transaction.atomic():
        session = Session.objects.create(
            organisation=organisation,
            commission=commission,
            kind=kind,
            opens_at=opens_at,
            closes_at=closes_at,
            quorum_ratio=rules.quorum_ratio,
        )
        audit.record(
            action="session.created",
            organisation=organisation,
            actor=actor,
            obj=session,
            changes={"kind": kind, "opens_at": opens_at, "closes_at": closes_at},
        )
        if kind == SessionKind.IN_PERSON:
            for item in sent_back_waiting(commission).order_by("pk"):
                _carry_over(item, session, actor)
    return session


def sent_back_waiting(commission=None, *, organisation=None):
    """Items sent back to an in-person session that no later session has taken over yet
    (of one commission, or of every commission of ``organisation``)."""
    later = AgendaItem.objects.filter(vacancy=OuterRef("vacancy"), pk__gt=OuterRef("pk"))
    waiting = AgendaItem.objects.filter(status=ItemStatus.SENT_BACK).filter(~Exists(later))
    if commission is not None:
        return waiting.filter(session__commission=commission)
    return waiting.for_organisation(organisation)


def _carry_over(item: AgendaItem, session: Session, actor) -> AgendaItem | None:
    """Put a sent-back item on an in-person session's agenda, with the same candidates."""
    if session.items.filter(vacancy_id=item.vacancy_id).exists():
        return None
    position = (session.items.aggregate(top=Max("position"))["top"] or 0) + 1
    new = AgendaItem.objects.create(
        organisation=session.organisation,
        session=session,
        vacancy_id=item.vacancy_id,
        position=position,
        few_candidates_reason=item.few_candidates_reason,
    )
    candidates = list(item.candidates.select_related("application"))
    Candidate.objects.bulk_create(
        Candidate(
            organisation=session.organisation,
            item=new,
            application=c.application,
            proposed_rank=c.proposed_rank,
            score_at_proposal=c.score_at_proposal,
        )
        for c in candidates
    )
    _store_effort_rates(new)
    _propose([c.application for c in candidates], actor)
    audit.record(
        action="agenda_item.carried_over",
        organisation=session.organisation,
        actor=actor,
        obj=new,
        changes={"from_item": item.pk, "from_session": item.session_id},
    )
    return new


def _propose(applications, actor) -> None:
    for application in applications:
        if application.status == ApplicationStatus.ACTIVE:
            application_set_status(
                actor=actor, application=application, status=ApplicationStatus.PROPOSED
            )


def _release(application_ids, actor) -> None:
    """Proposed applications without any pending candidacy left become active again."""
    pending = Candidate.objects.filter(application=OuterRef("pk"), item__status=ItemStatus.PENDING)
    idle = Application.objects.filter(
        pk__in=application_ids, status=ApplicationStatus.PROPOSED
    ).filter(~Exists(pending))
    for application in idle:
        application_set_status(
            actor=actor, application=application, status=ApplicationStatus.ACTIVE
        )


def _check_vacancy_free(vacancy: Vacancy) -> None:
    """Ready, or on an agenda whose last item was postponed or sent back."""
    if vacancy.status == VacancyStatus.READY:
        return
    last = vacancy.agenda_items.order_by("-pk").first()
    if vacancy.status == VacancyStatus.ON_AGENDA and (
        last is None or last.status in (ItemStatus.POSTPONED, ItemStatus.SENT_BACK)
    ):
        return
    raise ValidationError(
        _("This vacancy is not ready to be put on an agenda (status: %(status)s).")
        % {"status": vacancy.get_status_display()}
    )


def _applications_in_order(organisation, application_ids) -> list[Application]:
    """The applications proposed, in order: the organisation's own and those of the shared
    pool it may read (another landlord's file wishing a commune where it has stock, ADR 0046);
    any other id is "unknown"."""
    found = readable_applications(organisation).in_bulk(application_ids)
    missing = [str(pk) for pk in application_ids if pk not in found]
    if missing:
        raise ValidationError(_("Unknown applications: %(ids)s.") % {"ids": ", ".join(missing)})
    applications = [found[pk] for pk in application_ids]
    closed = [a.registration_number for a in applications if a.status not in CANDIDATE_STATUSES]
    if closed:
        raise ValidationError(
            _("These applications are no longer active: %(numbers)s.")
            % {"numbers": ", ".join(closed)}
        )
    return applications


@write_transaction
def agenda_item_add(
    *, session: Session, vacancy: Vacancy, actor, application_ids, few_candidates_reason: str = ""
) -> AgendaItem:
    """Put a vacancy on a draft session's agenda with its candidates in the proposed order.

    At least three candidates, or a recorded, justified exception (``validate_proposal``,
    ``checks.proposal_justification``); every candidate eligible at the decision date.
    """
    application_ids = [int(pk) for pk in application_ids]
    reason = validate_proposal(application_ids, few_candidates_reason)
    organisation = session.organisation
    with transaction.atomic():
        session = _lock(session)
        if session.status != SessionStatus.DRAFT:
            raise ValidationError(_("Items can only be added while the session is in preparation."))
        vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk, organisation=organisation)
        _check_vacancy_free(vacancy)
        check_reserved_proposal(vacancy, application_ids)
        if session.items.filter(vacancy=vacancy).exists():
            raise ValidationError(_("This vacancy is already on the agenda."))
        applications = _applications_in_order(organisation, application_ids)
        justification = proposal_justification(
            session=session, vacancy=vacancy, applications=applications, reason=reason
        )
        position = (session.items.aggregate(top=Max("position"))["top"] or 0) + 1
        item = AgendaItem.objects.create(
            organisation=organisation,
            session=session,
            vacancy=vacancy,
            position=position,
            few_candidates_reason=reason,
            few_candidates_justification=justification,
        )
        # The score on the grid of the dwelling's EPCI (ADR 0033), else the main one.
        epci = Dwelling.objects.filter(pk=vacancy.dwelling_id).values("building__commune__epci")
        in_epci = scores_in_epci([a.pk for a in applications], epci[0]["building__commune__epci"])
        Candidate.objects.bulk_create(
            Candidate(
                organisation=organisation,
                item=item,
                application=application,
                proposed_rank=rank,
                score_at_proposal=in_epci.get(application.pk, (application.score,))[0],
            )
            for rank, application in enumerate(applications, start=1)
        )
        _store_effort_rates(item)
        _vacancy_move(vacancy, to=VacancyStatus.ON_AGENDA, actor=actor)
        _propose(applications, actor)
        audit.record(
            action="agenda_item.added",
            organisation=organisation,
            actor=actor,
            obj=item,
            changes={
                "vacancy": vacancy.pk,
                "candidates": [a.registration_number for a in applications],
                "few_candidates_reason": reason,
                "few_candidates_justification": justification,
            },
        )
    return item


@write_transaction
def agenda_item_remove(*, item: AgendaItem, actor) -> None:
    """Take an item off a session still in preparation (its vacancy is ready again)."""
    with transaction.atomic():
        session = _lock(item.session)
        if session.status != SessionStatus.DRAFT:
            raise ValidationError(
                _("Items can only be removed while the session is in preparation.")
            )
        item = AgendaItem.objects.select_related("vacancy").get(pk=item.pk, session=session)
        application_ids = list(item.candidates.values_list("application_id", flat=True))
        vacancy = Vacancy.objects.select_for_update().get(pk=item.vacancy_id)
        audit.record(
            action="agenda_item.removed",
            organisation=session.organisation,
            actor=actor,
            obj=item,
            changes={"session": session.pk, "vacancy": vacancy.pk},
        )
        item.delete()
        if vacancy.status == VacancyStatus.ON_AGENDA:
            _vacancy_move(vacancy, to=VacancyStatus.READY, actor=actor)
        _release(application_ids, actor)


def voting_members(commission):
    return CommissionMember.objects.filter(
        commission=commission, is_active=True, seat__in=VOTING_SEATS
    )


@write_transaction
def session_open(*, session: Session, actor) -> Session:
    """Open the agenda to the members' positions and tell them (with the link to vote)."""
    with transaction.atomic():
        session = _lock(session)
        if session.status != SessionStatus.DRAFT:
            raise ValidationError(_("This session is already open or closed."))
        if not session.items.exists():
            raise ValidationError(_("Put at least one vacancy on the agenda first."))
        if session.kind == SessionKind.REMOTE and session.closes_at <= timezone.now():
            raise ValidationError(_("The closing time is past: change the session's hours."))
        if not voting_members(session.commission).exists():
            raise ValidationError(_("The commission has no voting member yet."))
        rules = rules_of(session.commission)
        if session.kind == SessionKind.REMOTE and not rules.remote_sessions_allowed:
            raise ValidationError(NO_REMOTE)
        session.status = SessionStatus.OPEN
        session.quorum_ratio = rules.quorum_ratio
        session.decision_rule, session.casting_vote = rules.decision_rule, rules.casting_vote
        session.save(update_fields=["status", "quorum_ratio", "decision_rule", "casting_vote"])
        bases = fix_electorates(session)
        audit.record(
            action="session.opened",
            organisation=session.organisation,
            actor=actor,
            obj=session,
            changes={
                "closes_at": session.closes_at,
                "items": len(bases),
                "quorum_bases": bases,
                "quorum_ratio": str(session.quorum_ratio),
                "decision_rule": session.decision_rule,
                "casting_vote": session.casting_vote,
            },
        )
        session_notice_send(session)  # queued in the outbox with the opening itself
        transaction.on_commit(lambda: _after_open(session))
    return session


def _after_open(session: Session) -> None:
    """Queue the close for the closing time when the backend can wait."""
    if session.kind == SessionKind.REMOTE:
        enqueue(CLOSE_SESSION, session.pk, run_after=session.closes_at)


def session_notice_send(session: Session, *, member_ids=None) -> None:
    """Queue in the outbox the session notice (with the link to vote) to the active members,
    or to ``member_ids`` only (members seated after the opening); once per member."""
    members = CommissionMember.objects.filter(
        commission=session.commission, is_active=True
    ).select_related("user")
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    site = settings.SITE_URL.rstrip("/")
    context = {"session": session, "vote_url": site + reverse("allocation:vote", args=[session.pk])}
    message = render_to_string("allocation/session_opened_email.txt", context)
    subject = _("Relais: commission session open until %(closes_at)s") % {
        "closes_at": timezone.localtime(session.closes_at).strftime("%d/%m/%Y %H:%M")
    }
    for member in members:
        if member.user.email:
            queue_message(
                organisation=session.organisation,
                channel="email",
                to=member.user.email,
                subject=subject,
                body=message,
                purpose="allocation.session_notice",
                dedupe_key=f"allocation.session_notice:{session.pk}:{member.pk}",
            )


# During the session ---------------------------------------------------------------------------


def lock_open(session: Session, member: CommissionMember) -> Session:
    """Lock the session; refuse when closed or outside its hours, or ``member`` has no seat."""
    session = _lock(session)
    now = timezone.now()
    if session.status != SessionStatus.OPEN:
        raise ValidationError(_("The session is closed: positions can no longer change."))
    if session.kind == SessionKind.REMOTE and now < session.opens_at:
        raise ValidationError(_("The session has not opened yet."))
    if session.kind == SessionKind.REMOTE and now >= session.closes_at:
        raise ValidationError(_("The closing time has passed: positions can no longer change."))
    if member.commission_id != session.commission_id or not member.is_active:
        raise ValidationError(_("You do not sit on this commission."))
    return session


def check_in_electorate(member: CommissionMember, item: AgendaItem) -> None:
    """Refuse a voting member whose seat does not cover the item's dwelling (a mayor of
    another commune, the president of another EPCI): they do not vote on it."""
    if not covers(member, place_of(item)):
        raise ValidationError(
            _(
                "You do not vote on this item: the dwelling is in %(commune)s, outside the "
                "territory of your seat."
            )
            % {"commune": item.vacancy.dwelling.building.commune.name}
        )


def _clean_position(candidate: Candidate, choice: str, rank, reason: str):
    if choice not in PositionChoice.values:
        raise ValidationError(_("Choose attribution, non-attribution or inadmissible."))
    if choice == PositionChoice.ATTRIBUTION:
        size = candidate.item.candidates.count()
        if rank is None or not 1 <= int(rank) <= size:
            raise ValidationError(
                _("An attribution needs a rank between 1 and %(size)d.") % {"size": size}
            )
        return int(rank), ""
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason of a non-attribution or an inadmissibility."))
    return None, reason.strip()


def _check_rank_free(member: CommissionMember, candidate: Candidate, rank: int | None) -> None:
    """A member ranks the candidates of an item in an order: no two attributions share a rank
    (checked under the session lock, so two tabs saving at once cannot both pass)."""
    if rank is None:
        return
    taken = (
        Position.objects.filter(member=member, candidate__item_id=candidate.item_id, rank=rank)
        .exclude(candidate=candidate)
        .select_related("candidate")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            _(
                "You already gave rank %(rank)d to candidate %(other)d on this item: "
                "change that position first."
            )
            % {"rank": rank, "other": taken.candidate.proposed_rank}
        )


@write_transaction
def position_record(
    *,
    session: Session,
    member: CommissionMember,
    candidate: Candidate,
    choice: str,
    rank=None,
    reason: str = "",
) -> Position:
    """Record or change a voting member's position on a candidate (one row per pair).

    The audit trail records that the member took position, not which one: positions stay
    secret until the close.
    """
    with transaction.atomic():
        session = lock_open(session, member)
        candidate = Candidate.objects.select_related(
            "item__vacancy__dwelling__building__commune"
        ).get(pk=candidate.pk, item__session=session)
        if not member.votes:
            raise ValidationError(_("Advisory members do not vote."))
        check_in_electorate(member, candidate.item)
        conflicted = ItemDeclaration.objects.filter(
            member=member, item=candidate.item, kind=DeclarationKind.CONFLICT
        )
        if conflicted.exists():
            raise ValidationError(_("You declared a conflict of interest on this item."))
        rank, reason = _clean_position(candidate, choice, rank, reason)
        _check_rank_free(member, candidate, rank)
        position, created = Position.objects.update_or_create(
            member=member,
            candidate=candidate,
            defaults={
                "organisation": session.organisation,
                "choice": choice,
                "rank": rank,
                "reason": reason,
            },
        )
        audit.record(
            action="vote.position_recorded",
            organisation=session.organisation,
            actor=member.user,
            obj=candidate.item,
            changes={"candidate": candidate.pk, "member": member.pk, "changed": not created},
        )
    return position


@write_transaction
def declaration_record(
    *, session: Session, member: CommissionMember, item: AgendaItem, kind: str, reason: str = ""
) -> ItemDeclaration:
    """Declare a conflict of interest (the member's positions on the item are withdrawn) or
    send the item back to an in-person session (any member may, in a remote session)."""
    with transaction.atomic():
        session = lock_open(session, member)
        item = AgendaItem.objects.select_related("vacancy__dwelling__building__commune").get(
            pk=item.pk, session=session
        )
        if kind not in DeclarationKind.values:
            raise ValidationError(_("Unknown declaration."))
        if member.votes:  # advisory members follow every item
            check_in_electorate(member, item)
        if kind == DeclarationKind.SEND_BACK:
            if session.kind != SessionKind.REMOTE:
                raise ValidationError(_("Only a remote session sends items back."))
            if not reason.strip():
                raise ValidationError(_("Say why the item must be examined in person."))
        declaration, created = ItemDeclaration.objects.get_or_create(
            member=member,
            item=item,
            kind=kind,
            defaults={"organisation": session.organisation, "reason": reason.strip()},
        )
        withdrawn = 0
        if kind == DeclarationKind.CONFLICT:
            withdrawn, _detail = Position.objects.filter(
                member=member, candidate__item=item
            ).delete()
        if created:
            audit.record(
                action=f"vote.{kind}_declared",
                organisation=session.organisation,
                actor=member.user,
                obj=item,
                changes={"member": member.pk, "reason": reason, "positions_withdrawn": withdrawn},
            )
    return declaration


@write_transaction
def declaration_withdraw(
    *, session: Session, member: CommissionMember, item: AgendaItem, kind: str
) -> None:
    with transaction.atomic():
        session = lock_open(session, member)
        deleted, _detail = ItemDeclaration.objects.filter(
            member=member, item_id=item.pk, item__session=session, kind=kind
        ).delete()
        if deleted:
            audit.record(
                action=f"vote.{kind}_withdrawn",
                organisation=session.organisation,
                actor=member.user,
                obj=item,
                changes={"member": member.pk},
            )


# The close ----------------------------------------------------------------------------------


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
        carried = _carry_over(item, target, actor) if target else None
        carried_to = target.pk if carried else None
    elif any(c.decision in ATTRIBUTED for c in candidates):
        _vacancy_move(vacancy, to=VacancyStatus.ALLOCATED, actor=actor, on=decided_on)
    else:
        _vacancy_move(vacancy, to=VacancyStatus.READY, actor=actor, on=decided_on)
    waiting = [c.application_id for c in candidates if c.decision not in ATTRIBUTED]
    _release(waiting, actor)
    return {
        "item": item.pk,
        "vacancy": vacancy.pk,
        "status": item.status,
        "participants": item.participants,
        "voting_members": item.voting_members,
        "carried_to_session": carried_to,
        "decisions": {str(c.pk): [c.decision, c.decided_rank] for c in candidates},
    }


def _store_effort_rates(item: AgendaItem) -> None:
    """Estimate the housing benefit and effort rate of an item's candidates in one batch
    (one openfisca simulation when installed) and store them for the members' pages."""
    candidates = list(item.candidates.select_related("application"))
    dwelling = Dwelling.objects.select_related("building").get(pk=item.vacancy.dwelling_id)
    charges = item.vacancy.charges_cents
    rates = effort_rates((c.application, dwelling, charges) for c in candidates)
    for candidate in candidates:
        rate = rates[(candidate.application_id, dwelling.pk)]
        candidate.housing_benefit_cents = rate.benefit_cents
        candidate.effort_rate = rate.effort_rate
        candidate.remaining_income_cents = rate.remaining_income_cents
    Candidate.objects.bulk_update(
        candidates, ["housing_benefit_cents", "effort_rate", "remaining_income_cents"]
    )
