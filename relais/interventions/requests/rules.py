"""Pure rules of the crisis whitelist (issue 8 §2): which status a new or triaged request takes,
and whether it may go to a contractor. No database, no request: tested with a table of cases."""

from ..models import RequestStatus


def held_for_restart(*, urgent_only: bool, whitelisted: bool) -> bool:
    """True when a request of this category must wait for the restart: the switch "urgent
    interventions only" is on and the category is not whitelisted."""
    return urgent_only and not whitelisted


def status_on_arrival(*, urgent_only: bool, whitelisted: bool) -> str:
    """A new request is to be triaged, or deferred when it is held for the restart (it is still
    accepted, numbered and acknowledged)."""
    if held_for_restart(urgent_only=urgent_only, whitelisted=whitelisted):
        return RequestStatus.DEFERRED
    return RequestStatus.NEW


def may_dispatch(*, urgent_only: bool, whitelisted: bool) -> bool:
    """Whether a request of this category may be sent to a contractor now."""
    return not held_for_restart(urgent_only=urgent_only, whitelisted=whitelisted)


def wait_hours(seconds: float) -> int:
    """A wait in seconds → whole hours, half an hour rounded up (never negative)."""
    return max(int(seconds / 3600 + 0.5), 0)
