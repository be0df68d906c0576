"""Response targets and their compliance (issue 8 §3): pure arithmetic, no database.

The clock starts at the tenant's first report (``InterventionRequest.reported_at``), not when
the work order is sent: a request that waited in triage has used part of its target already.
A work order meets its target when it is completed by ``due_at``; one still open past
``due_at`` is a breach already. Work orders without a target (planned work) are not counted.
"""

import datetime as dt

from ..models import DEFAULT_TARGET_HOURS


def due_at(reported_at: dt.datetime, hours: int | None) -> dt.datetime | None:
    """When a request reported at ``reported_at`` must be dealt with; None without a target."""
    if hours is None:
        return None
    return reported_at + dt.timedelta(hours=hours)


def target_hours(priority: str, configured: dict[str, int | None]) -> int | None:
    """The organisation's target for ``priority`` (``configured``: priority → hours, from its
    ``ResponseTarget`` rows), else the default of issue 8 §2."""
    if priority in configured:
        return configured[priority]
    return DEFAULT_TARGET_HOURS[priority]


def compliance(met: int, measured: int) -> float | None:
    """Share of work orders on time, 0–1; None when none was measured (not 0 %, not 100 %)."""
    if measured == 0:
        return None
    return met / measured
