"""Thin tasks of the federation's indicators (``RELAIS_SCHEDULE``).

- ``refresh_indicators``: hourly, the incremental refresh (the current week of every member,
  and the weeks whose source rows changed since the last run);
- ``weekly_indicators``: daily; on Mondays it recomputes the week just ended for every member
  (the figures members report on), once.
"""

from django.utils import timezone
from django_tasks import task

from . import services
from .registry import Week


@task()
def refresh_indicators() -> int:
    return services.refresh().rows


@task()
def weekly_indicators() -> int:
    today = timezone.localdate()
    if today.weekday() != 0:
        return 0
    return services.refresh(weeks=[Week.of(today).previous()]).rows
