"""The contractor's link to a work order (ADR 0036): the shared hashed, expiring, revocable
link of ``core.links``; whoever holds it may accept, schedule, answer the health questionnaire
and complete."""

import datetime as dt

from relais.core.links import LinkState, link_state, new_token, token_hash

__all__ = ["LINK_LIFETIME", "LinkState", "link_state", "new_token", "token_hash"]

# A work order's link lives this long after it is sent (a normal job is done within a week;
# the response targets are 4 h to 7 days); staff send a new link when it lapses.
LINK_LIFETIME = dt.timedelta(days=14)
