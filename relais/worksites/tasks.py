"""Thin tasks of work sites."""

from django_tasks import task

from . import services


@task()
def purge_gate_log() -> int:
    """Delete the gate self-checks older than ``WORKSITES_GATE_LOG_DAYS``; returns how many."""
    return services.gate_log_purge()
