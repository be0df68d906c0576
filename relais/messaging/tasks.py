"""Background work of broadcasts: thin, takes ids, calls ``services``."""

from django_tasks import task

from . import services


@task()
def dispatch_broadcast(broadcast_id: int) -> dict[str, int]:
    """Queue the broadcast's e-mails and texts, then print its letters (one PDF)."""
    services.broadcast_dispatch(broadcast_id)
    return {"pages": services.letters_print(broadcast_id)}
