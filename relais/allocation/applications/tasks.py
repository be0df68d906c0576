"""Tasks of the applications' life: thin, they take ids and call ``lifecycle``.

``application_lifecycle_all`` is in ``settings.RELAIS_SCHEDULE`` (daily): it queues one
``application_lifecycle`` per organisation with applications on the register.
"""

from django_tasks import task

from relais.core.models import Organisation

from ..models import Application
from . import lifecycle


@task()
def application_lifecycle(organisation_id: int) -> dict:
    """Reminders a month before the end of validity, then striking off the expired."""
    run = lifecycle.application_lifecycle_run(
        organisation=Organisation.objects.get(pk=organisation_id)
    )
    return {"reminded": run.reminded, "struck_off": run.struck_off}


@task()
def application_lifecycle_all() -> int:
    """Daily: queue one run per organisation (``order_by()``: no DISTINCT over the model's
    ordering, which would give one row per application)."""
    organisation_ids = list(
        Application.objects.filter(status__in=lifecycle.REMINDED)
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for organisation_id in organisation_ids:
        application_lifecycle.enqueue(organisation_id)
    return len(organisation_ids)


@task()
def send_reminder(reminder_id: int) -> None:
    lifecycle.reminder_send(reminder_id)
