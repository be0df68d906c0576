"""How a call (or a caretaker's visit) moves a person's follows on (ADR 0039 §5, ADR 0050
amendment): the next due day by each campaign's cadence, failures in a row, retries within
calling hours and the escalation after three (``rules``). Helpers of ``services.call_record``
and ``services.visit_record``, which lock the follows and save them in their transaction."""

import datetime as dt

from django.utils import timezone

from . import rules, selectors
from .models import FAILED_OUTCOMES, Call, CampaignStatus, Escalation, FollowState, Outcome


def reached(follow, campaign, now, *, hospital=False) -> None:
    days = (
        max(campaign.cadence_days, rules.HOSPITAL_RECALL_DAYS)
        if hospital
        else (campaign.cadence_days)
    )
    follow.failed_attempts = 0
    follow.last_reached_at = now
    follow.next_due_on = timezone.localdate(now) + dt.timedelta(days=days)
    if follow.escalation == Escalation.VISIT:
        follow.escalation, follow.escalated_at = Escalation.NONE, None


def failed(follow, attempts_today: int, now) -> bool:
    """Count a failed attempt (``attempts_today`` includes it); True when the case escalates
    (a caretaker's visit). A first failure of the day leaves the person due today: the list
    shows them again at ``rules.retry_at`` this call — the next day when that falls outside
    today's calling hours."""
    follow.failed_attempts += 1
    step = rules.after_failed_attempt(
        failed_in_a_row=follow.failed_attempts, attempts_today=attempts_today
    )
    if step.escalate:
        if follow.escalation == Escalation.NONE:
            follow.escalation, follow.escalated_at = Escalation.VISIT, now
        follow.next_due_on = timezone.localdate(now) + dt.timedelta(days=1)
        return True
    today = timezone.localdate(now)
    if not step.later_today or rules.retry_at(now).date() > today:
        follow.next_due_on = today + dt.timedelta(days=1)
    return False


def still_due(follow, day: dt.date) -> bool:
    return (
        follow.state == FollowState.FOLLOWED
        and follow.campaign.status == CampaignStatus.ACTIVE
        and follow.next_due_on <= day
    )


def apply_outcome(follow, outcome: str, attempts_today: int, now) -> bool:
    """Move the follow on after a call (by its own campaign's cadence); True when the case
    escalates."""
    escalated = False
    if outcome in FAILED_OUTCOMES:
        escalated = failed(follow, attempts_today, now)
    elif outcome == Outcome.DECEASED:
        follow.state = FollowState.STOPPED
    else:
        reached(follow, follow.campaign, now, hospital=outcome == Outcome.HOSPITAL)
    follow.save()
    return escalated


def calls_today(entry_id: int, now) -> int:
    """Calls made to the person today (one per call, whatever the campaigns following)."""
    start, end = selectors.day_bounds(timezone.localdate(now))
    calls = Call.objects.filter(follow__entry_id=entry_id, called_at__gte=start, called_at__lt=end)
    return calls.order_by().values("called_at").distinct().count()
