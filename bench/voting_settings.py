"""Settings of ``bench/load_scenarios/voting.py``'s own runner: the project's settings with
logins not throttled — what branch ``auth`` does for issue 19 §5 (only failed logins are
throttled). Without it, 50 voters logging in from 127.0.0.1 within a minute hit allauth's
default 30 logins a minute per address and the run measures the throttle, not the votes.
"""

from config.settings import *  # noqa: F403
from config.settings import ACCOUNT_RATE_LIMITS

ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": None}
