"""Thin periodic tasks of the rounds (``settings.RELAIS_SCHEDULE``)."""

from django_tasks import task

from . import generation, services


@task()
def generate_occurrences(days: int = 2) -> list[list[int]]:
    """Today's and the next ``days`` days' passages and steps, for every building (runs
    hourly: idempotent, and a crisis mode switched on adds its extra passages within the
    hour). Returns [new occurrences, new steps] per day."""
    return [list(pair) for pair in generation.generate_ahead(days)]


@task()
def mark_missed_rounds() -> int:
    """Passages not done by their end time become missed (the manager's home card)."""
    return sum(services.mark_missed().values())
