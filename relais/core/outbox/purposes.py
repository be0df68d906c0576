"""Why a message is sent: a short code stored on the message, and its label for people.

Capabilities register their purposes at import time, next to their audit actions (in their
``audit_actions.py``, which ``CoreConfig.ready`` discovers)::

    register_purpose("interventions.status_changed", _("Change of an intervention request"))

A message queued with a code nobody registered is still sent; the staff page shows it as
"Other message" (never the raw code).

A purpose may attach files to its e-mails: ``attachments(message)`` returns a list of
``(filename, content bytes, MIME type)``, read when the e-mail is delivered (each attempt), so
the outbox stores no file — the capability keeps it, found again from the message (its
``dedupe_key``, say ``"allocation.offer_letter:12"``).
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

PURPOSES: dict[str, str] = {}
ATTACHMENTS: dict[str, Callable] = {}
UNKNOWN_PURPOSE = _("Other message")


def register_purpose(code: str, label, *, attachments: Callable | None = None) -> None:
    """Register (or relabel, when a module is reloaded) the purpose ``code``; ``attachments``
    (message → [(filename, bytes, MIME type)]) adds files to its e-mails."""
    PURPOSES[code] = label
    if attachments is not None:
        ATTACHMENTS[code] = attachments


def attachments_for(message) -> list[tuple[str, bytes, str]]:
    """The files to attach to ``message`` (an ``OutboxMessage``), by its purpose's hook."""
    hook = ATTACHMENTS.get(message.purpose)
    return list(hook(message)) if hook is not None else []


def purpose_label(code: str) -> str:
    return PURPOSES.get(code, UNKNOWN_PURPOSE)


def purpose_choices() -> list[tuple[str, str]]:
    """(code, label) of every registered purpose, sorted by label (for the filter)."""
    return sorted(((code, str(label)) for code, label in PURPOSES.items()), key=lambda c: c[1])
