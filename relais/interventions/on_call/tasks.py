"""Thin tasks of the on-call rota (``RELAIS_SCHEDULE``)."""

from django_tasks import task

from . import services


@task()
def on_call_sweep() -> list[int]:
    """Alert the person on call of new urgent requests out of hours and escalate the
    unacknowledged alerts; returns [alerted, escalated]. Safe to run often."""
    return list(services.sweep())
