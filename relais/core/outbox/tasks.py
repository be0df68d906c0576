"""Background tasks of the outbox: thin, they take ids and call ``delivery``."""

from django_tasks import task

from . import delivery


@task()
def deliver_message(message_id: int) -> str | None:
    """Send one outbox message (queued on commit by ``services``, or deferred for a retry)."""
    return delivery.deliver(message_id)


@task()
def sweep_outbox() -> dict[str, int]:
    """Re-queue stale and lost deliveries, relaunch stalled batches; queued every minute by
    ``RELAIS_SCHEDULE``."""
    return {**delivery.sweep(), "batches": delivery.sweep_batches()}


@task()
def deliver_batch(batch: str, channel: str) -> dict[str, int]:
    """Send a batch's messages of one channel at the backend's throttle (``queue_batch``)."""
    return delivery.deliver_batch(batch, channel)
