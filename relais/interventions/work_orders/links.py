"""The contractor's link to a work order: a random token given once, only its SHA-256 stored
(ADR 0036).

The link is the contractor's only key (no account): whoever holds it may accept, schedule,
answer the health questionnaire and complete. Storing the hash means a copy of the database
opens no work order; the row also carries the expiry and the revocation, so staff can close a
link at once (a signed value alone could not be revoked). Pure functions, no database.
"""

import datetime as dt
import hashlib
import secrets
from enum import Enum

# A work order's link lives this long after it is sent (a normal job is done within a week;
# the response targets are 4 h to 7 days); staff send a new link when it lapses.
LINK_LIFETIME = dt.timedelta(days=14)


class LinkState(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store): 32 random bytes, URL-safe (43 characters)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The SHA-256 (64 hex characters) stored in ``WorkOrder.link_token_hash``."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_state(*, expires_at: dt.datetime, revoked_at: dt.datetime | None, now) -> LinkState:
    """Revoked wins over expired (the page then says staff closed it)."""
    if revoked_at is not None:
        return LinkState.REVOKED
    if now >= expires_at:
        return LinkState.EXPIRED
    return LinkState.VALID
