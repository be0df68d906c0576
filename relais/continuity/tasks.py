"""Thin tasks of continuity (ids in, services called; ``RELAIS_SCHEDULE`` runs the sweeps).

- ``check_coverage``: after a declaration (certain shortfalls only) or from the sweep;
- ``continuity_morning``: hourly; from ``REPORT_HOUR`` (Europe/Paris) it builds the day's
  situation report of every organisation with a plan, once, and alerts owners of activities
  still below their minimum staffing while the plan is active.
"""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from relais.core.models import Organisation

from . import services
from .models import Plan, SituationReport

REPORT_HOUR = 9


@task()
def check_coverage(organisation_id: int, day: str, certain_only: bool) -> int:
    organisation = Organisation.objects.get(pk=organisation_id)
    return services.coverage_alerts(
        organisation=organisation, day=dt.date.fromisoformat(day), certain_only=certain_only
    )


@task()
def build_report(organisation_id: int, day: str) -> int:
    organisation = Organisation.objects.get(pk=organisation_id)
    return services.report_build(organisation=organisation, day=dt.date.fromisoformat(day)).pk


@task()
def continuity_morning() -> int:
    """Queue today's report (and the coverage check) of each organisation with a plan and no
    report yet; returns how many were queued. Nothing before ``REPORT_HOUR``."""
    now = timezone.localtime()
    if now.hour < REPORT_HOUR:
        return 0
    today = now.date()
    done = SituationReport.objects.filter(day=today).values("organisation_id")
    waiting = list(
        Plan.objects.exclude(organisation_id__in=done)
        .order_by()
        .values_list("organisation_id", flat=True)
    )
    for organisation_id in waiting:
        check_coverage.enqueue(organisation_id, today.isoformat(), False)
        build_report.enqueue(organisation_id, today.isoformat())
    return len(waiting)
