"""The situation report's figures of the capabilities on main today (staff: ours; urgent
interventions and their SLA; commissions held and allocations), and the figures expected from
capabilities still to come, shown as "not in use" until they register theirs.

Each compute is a few aggregate queries (reads only: continuity never writes another
capability's rows) and returns None when the organisation does not use the capability.
Weekly figures cover the seven days ending on the report's day (Europe/Paris).
"""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import report, selectors

WEEK = 7


def _week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the seven Europe/Paris days ending on ``day``, as aware datetimes."""
    zone = timezone.get_current_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return end - dt.timedelta(days=WEEK), end


# Staff -----------------------------------------------------------------------------------------


def _staff(status: str):
    def compute(organisation, day):
        totals = selectors.status_totals(organisation, day)
        if not any(totals.values()):
            return None  # nobody in the directory: staff availability is not in use
        return totals[status]

    return compute


def _below_minimum(organisation, day):
    below = selectors.below_minimum(organisation, day)
    return None if below is None else len(below)


# Interventions -------------------------------------------------------------------------------


def _open_urgent(organisation, day):
    from relais.interventions.dashboard.selectors import Scope, open_urgent
    from relais.interventions.models import InterventionRequest

    if not InterventionRequest.objects.for_organisation(organisation).exists():
        return None
    return sum(open_urgent(Scope(organisation)).values())


def _sla(organisation, day):
    from relais.interventions.dashboard.selectors import Scope, sla

    _start, end = _week_bounds(day)
    by_priority, _by_contractor = sla(Scope(organisation), end)
    measured = sum(row.measured for row in by_priority)
    if not measured:
        return None
    return round(sum(row.met for row in by_priority) / measured, 3)


# Allocation ----------------------------------------------------------------------------------


def _sessions_held(organisation, day):
    from relais.allocation.models import Commission, Session, SessionStatus

    if not Commission.objects.for_organisation(organisation).exists():
        return None
    start, end = _week_bounds(day)
    return (
        Session.objects.for_organisation(organisation)
        .filter(status=SessionStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .count()
    )


def _allocations(organisation, day):
    """Dwellings the commissions attributed (one per agenda item with at least one
    attribution, ranked or conditional included), in sessions closed in the week."""
    from relais.allocation.models import AgendaItem, Candidate, Commission, DecisionType

    if not Commission.objects.for_organisation(organisation).exists():
        return None
    start, end = _week_bounds(day)
    attributed = Candidate.objects.filter(
        item=OuterRef("pk"),
        decision__in=[DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL],
    )
    return (
        AgendaItem.objects.for_organisation(organisation)
        .filter(Exists(attributed), session__closed_at__gte=start, session__closed_at__lt=end)
        .count()
    )


def register() -> None:
    staff = [
        ("staff.on_site", _("Staff on site"), "on_site"),
        ("staff.telework", _("Staff teleworking"), "telework"),
        ("staff.absent", _("Staff absent"), "absent"),
        ("staff.not_declared", _("Staff who have not declared their day"), "not_declared"),
    ]
    for order, (key, label, status) in enumerate(staff, start=10):
        report.register_figure(key, label, _staff(status), capability="continuity", order=order)
    report.register_figure(
        "continuity.below_minimum",
        _("Critical activities below minimum staffing"),
        _below_minimum,
        capability="continuity",
        order=15,
    )
    report.register_figure(
        "interventions.open_urgent",
        _("Open urgent and safety requests"),
        _open_urgent,
        capability="interventions",
        order=20,
    )
    report.register_figure(
        "interventions.sla",
        _("Work orders on time (last 90 days)"),
        _sla,
        capability="interventions",
        unit="percent",
        order=21,
    )
    report.register_figure(
        "allocation.sessions_held",
        _("Commission sessions held (7 days)"),
        _sessions_held,
        capability="allocation",
        order=30,
    )
    report.register_figure(
        "allocation.allocations",
        _("Dwellings allocated (7 days)"),
        _allocations,
        capability="allocation",
        order=31,
    )
