"""Background tasks of rent: thin, they take ids and call the services."""

from django.utils import timezone
from django_tasks import task

from relais.core.enqueue import enqueue
from relais.core.models import Organisation

from . import collection, run
from .models import RentCall


@task()
def run_rent_run(run_id: int) -> None:
    """Run or resume one month's rent run (``run.rent_run_execute``)."""
    run.rent_run_execute(run_id)


@task()
def recover_interrupted_runs() -> list[int]:
    """Queue again the runs whose worker died; every few minutes (``RELAIS_SCHEDULE``)."""
    return run.recover_interrupted()


@task()
def collection_daily(organisation_id: int) -> dict:
    """One organisation's dunning run and payment-plan follow-up."""
    organisation = Organisation.objects.get(pk=organisation_id)
    today = timezone.localdate()
    result = collection.dunning_run(organisation=organisation, today=today)
    result["plans"] = collection.plans_follow_up(organisation=organisation, today=today)
    return result


@task()
def collection_daily_all() -> int:
    """Queue ``collection_daily`` for every organisation with rent calls (daily)."""
    ids = list(RentCall.objects.order_by().values_list("organisation_id", flat=True).distinct())
    for organisation_id in ids:
        enqueue("relais.rent.tasks.collection_daily", organisation_id)
    return len(ids)
