"""Session lifecycle: create-time defaults, the session lock, opening a session and its notice
to the members (see docs/commissions.md and docs/decisions/0010). The rest of a session lives
beside it, one module per step: ``agenda`` (create a session, put vacancies and candidates on
its agenda), ``positions`` (the members' positions and declarations while it is open) and
``closing`` (the close, the tally and its effects).

Concurrency. Every write made during an open session (a position, a declaration) first locks
the session row (``SELECT … FOR UPDATE``, ``lock_session``) and checks, under that lock, that
the session is still open and within its hours. The close claims the row with a conditional
``UPDATE … SET status = 'closed' WHERE status = 'open'`` and tallies in the same transaction. So:
a second closer's UPDATE waits for the first to commit, then matches no row and does nothing; a
vote waiting for the lock then sees the session closed and is refused; a vote that committed
before the claim is read by the tally. If the tally fails, the whole close rolls back and the
session stays open for the next attempt.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.outbox import queue_message
from relais.core.selectors import current_crisis_state
from relais.core.transactions import write_transaction

from ..models import (
    VOTING_SEATS,
    ApplicationStatus,
    CommissionMember,
    Session,
    SessionKind,
    SessionStatus,
    Vacancy,
)
from ..vacancies.services import vacancy_transition
from .electorate import fix_electorates
from .services import rules_of

# Tasks queued on commit, by path: ``tasks`` imports this module (see relais.core.enqueue).
CLOSE_SESSION = "relais.allocation.commissions.tasks.close_session"
SESSION_AFTER_CLOSE = "relais.allocation.commissions.tasks.session_after_close"
IN_PERSON_HOURS = 3  # default length of an in-person meeting
CANDIDATE_STATUSES = (ApplicationStatus.ACTIVE, ApplicationStatus.PROPOSED)
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


def lock_session(session: Session) -> Session:
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


def vacancy_move(vacancy: Vacancy, *, to: str, actor, on: dt.date | None = None) -> None:
    """Move the vacancy along the pipeline (``vacancies.vacancy_transition``), if not there yet.

    The date never precedes the notice: a date inconsistency must not block a close.
    """
    if vacancy.status == to:
        return
    on = max(on or timezone.localdate(), vacancy.notice_received_on)
    vacancy_transition(vacancy=vacancy, actor=actor, to=to, on=on)


def voting_members(commission):
    return CommissionMember.objects.filter(
        commission=commission, is_active=True, seat__in=VOTING_SEATS
    )


@write_transaction
def session_open(*, session: Session, actor) -> Session:
    """Open the agenda to the members' positions and tell them (with the link to vote)."""
    with transaction.atomic():
        session = lock_session(session)
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
