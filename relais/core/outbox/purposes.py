"""Why a message is sent: a short code stored on the message, and its label for people.

Capabilities register their purposes at import time, next to their audit actions (in their
``audit_actions.py``, which ``CoreConfig.ready`` discovers)::

    register_purpose("interventions.status_changed", _("Change of an intervention request"))

A message queued with a code nobody registered is still sent; the staff page shows it as
"Other message" (never the raw code).
"""

from django.utils.translation import gettext_lazy as _

PURPOSES: dict[str, str] = {}
UNKNOWN_PURPOSE = _("Other message")


def register_purpose(code: str, label) -> None:
    """Register (or relabel, when a module is reloaded) the purpose ``code``."""
    PURPOSES[code] = label


def purpose_label(code: str) -> str:
    return PURPOSES.get(code, UNKNOWN_PURPOSE)


def purpose_choices() -> list[tuple[str, str]]:
    """(code, label) of every registered purpose, sorted by label (for the filter)."""
    return sorted(((code, str(label)) for code, label in PURPOSES.items()), key=lambda c: c[1])
