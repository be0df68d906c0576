"""Stock tasks: rebuilding the checkpoints the stock is read from (ADR 0044)."""

from django_tasks import task

from relais.core.enqueue import enqueue
from relais.core.models import Organisation

from ..models import Movement
from . import services


@task()
def checkpoints_rebuild_task(organisation_id: int) -> int:
    """Rebuild one organisation's stock checkpoints (queued after an inventory count)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return services.checkpoints_rebuild(organisation=organisation)


@task()
def checkpoints_rebuild_all() -> int:
    """Queue a rebuild for every organisation with movements (nightly)."""
    ids = list(Movement.objects.order_by().values_list("organisation_id", flat=True).distinct())
    for organisation_id in ids:
        enqueue(services.REBUILD_TASK, organisation_id)
    return len(ids)
