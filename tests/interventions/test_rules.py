"""The crisis whitelist's pure rules, as a table of cases."""

import pytest

from relais.interventions.models import RequestStatus
from relais.interventions.requests import rules


@pytest.mark.parametrize(
    ("urgent_only", "whitelisted", "status", "may_dispatch"),
    [
        (False, False, RequestStatus.NEW, True),
        (False, True, RequestStatus.NEW, True),
        (True, True, RequestStatus.NEW, True),
        (True, False, RequestStatus.DEFERRED, False),
    ],
)
def test_whitelist_decides_arrival_and_dispatch(urgent_only, whitelisted, status, may_dispatch):
    assert rules.status_on_arrival(urgent_only=urgent_only, whitelisted=whitelisted) == status
    assert rules.may_dispatch(urgent_only=urgent_only, whitelisted=whitelisted) is may_dispatch


@pytest.mark.parametrize(
    ("seconds", "hours"), [(0, 0), (1799, 0), (1800, 1), (5400, 2), (-30, 0), (86400 * 3, 72)]
)
def test_wait_hours_rounds_to_the_nearest_hour(seconds, hours):
    assert rules.wait_hours(seconds) == hours
