"""Tasks of the commission sessions: thin, they take ids and call ``sessions``.

django-tasks has no scheduler. A remote session is closed on time three ways, each harmless
when another got there first (``closing.session_close`` claims the row exactly once):

- opening the session queues ``close_session`` to run at the closing time (database backend);
- ``close_due_sessions`` sweeps every open remote session past its closing time: run it every
  minute (``manage.py close_due_sessions --loop``, or cron / a systemd timer);
- any page of a session past its closing time closes it before showing it.
"""

import logging

from django.utils import timezone
from django_tasks import task

from ..letters.services import letters_after_close
from ..models import Session, SessionKind, SessionStatus
from . import closing, sessions
from .minutes import minutes_generate

logger = logging.getLogger(__name__)


def due_session_ids(now=None) -> list[int]:
    now = now or timezone.now()
    due = Session.objects.filter(
        status=SessionStatus.OPEN, kind=SessionKind.REMOTE, closes_at__lte=now
    )
    return list(due.order_by("closes_at", "pk").values_list("pk", flat=True))


@task()
def close_due_sessions() -> list[int]:
    """Close every remote session past its closing time; returns the ids this run closed."""
    closed = []
    for session_id in due_session_ids():
        try:
            if closing.session_close(session_id=session_id) is not None:
                closed.append(session_id)
        except Exception:  # one broken session must not keep the others open
            logger.exception(
                "closing session %s failed; it stays open for the next run", session_id
            )
    return closed


@task()
def close_session(session_id: int) -> bool:
    """Close one session (queued for its closing time); False when already closed."""
    return closing.session_close(session_id=session_id) is not None


@task()
def session_notice(session_id: int, member_ids: list[int]) -> None:
    """Send the session notice to members seated after it opened."""
    session = Session.objects.select_related("commission").get(pk=session_id)
    if session.status == SessionStatus.OPEN:
        sessions.session_notice_send(session, member_ids=member_ids)


@task()
def session_after_close(session_id: int) -> None:
    """Draw up the minutes, then write the letters of the decisions."""
    session = Session.objects.select_related("organisation", "commission").get(pk=session_id)
    try:
        minutes_generate(session)
    finally:  # the letters do not wait for a minutes problem to be fixed
        letters_after_close(session)
