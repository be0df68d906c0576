"""The outbox: messages to tenants by e-mail and SMS, delivered by background tasks.

The API other capabilities call::

    from relais.core.outbox import notify_household, queue_message

    queue_message(organisation=…, channel="email", to="…", subject="…", body="…",
                  purpose="interventions.status_changed", household=…, dedupe_key="…")
    notify_household(organisation=…, household=…, subject="…", body="…", purpose="…")

and ``register_purpose(code, label)`` for the purposes' labels. The names are resolved on
first use: ``relais.core.models`` imports this package's models while the app registry loads,
before the services (which need the audit trail and the settings) can be imported.
"""

from importlib import import_module

_EXPORTS = {
    "queue_message": "services",
    "notify_household": "services",
    "household_channel": "services",
    "register_purpose": "purposes",
    "OutboxMessage": "models",
    "OutboxStatus": "models",
    "OutboxChannel": "models",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
