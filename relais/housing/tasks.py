"""Background tasks of the housing app: thin, they take ids and call ``relais.housing.io.jobs``."""

from django_tasks import task

from .io import jobs


@task()
def run_import_job(job_id: int) -> None:
    """Import the file stored on one ``ImportJob``."""
    jobs.import_job_run(job_id)


@task()
def recover_interrupted_imports() -> list[int]:
    """Undo the imports whose worker died; queue it every few minutes (``RELAIS_SCHEDULE``)."""
    return jobs.recover_interrupted()
