"""Thin tasks of work orders (``RELAIS_SCHEDULE``)."""

from django_tasks import task

from . import services


@task()
def remind_overdue_work_orders() -> list[int]:
    """Remind contractors of overdue work orders and escalate the still-overdue ones to the
    technicians; returns [reminded, escalated]. Safe to run often and concurrently."""
    return list(services.remind_and_escalate())
