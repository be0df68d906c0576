"""Other capabilities' reactions to a declared day, inside the declaration's transaction.

A capability that plans people's work registers once, from its ``AppConfig.ready()``::

    from relais.continuity.listeners import register_declaration_listener
    register_declaration_listener("proximity", services.on_day_declared)

``services.day_declare`` then calls ``callback(organisation=, actor=, staff=, day=, status=,
before=)`` (``status`` and ``before`` are ``DayStatus`` values, ``before`` "" for a first
declaration) whenever the status of a person's day changes — not when the same status is
declared again. The callback runs in the same transaction: what it writes commits, or rolls
back, with the declaration. Continuity depends on no capability that listens.
"""

from collections.abc import Callable

_LISTENERS: dict[str, Callable] = {}


def register_declaration_listener(capability: str, callback: Callable) -> None:
    """Call ``callback`` on every changed declaration; one callback per capability (a
    second registration replaces the first)."""
    _LISTENERS[capability] = callback


def day_declared(*, organisation, actor, staff, day, status: str, before: str) -> None:
    """Run every registered callback, in registration order."""
    for callback in _LISTENERS.values():
        callback(
            organisation=organisation,
            actor=actor,
            staff=staff,
            day=day,
            status=status,
            before=before,
        )
