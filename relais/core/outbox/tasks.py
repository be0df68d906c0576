"""Background tasks of the outbox: thin, they take ids and call ``delivery``."""

from django_tasks import task

from . import delivery


@task()
def deliver_message(message_id: int) -> str | None:
    """Send one outbox message (queued on commit by ``services``, or deferred for a retry)."""
    return delivery.deliver(message_id)


@task()
def sweep_outbox() -> dict[str, int]:
    """Re-queue stale and lost deliveries; queued every minute by ``RELAIS_SCHEDULE``."""
    return delivery.sweep()
