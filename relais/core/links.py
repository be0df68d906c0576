"""Links for people without an account (contractors, social-services partners, people at a
work site's gate): a random token given once, only its SHA-256 stored, with an expiry and a
revocation kept on the row (ADR 0036). Pure functions, no database.

A copy of the database opens nothing with hashes alone, and staff can close one link at once
(a signed value alone could not be revoked one by one).
"""

import datetime as dt
import hashlib
import secrets
from enum import Enum


class LinkState(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store): 32 random bytes, URL-safe (43 characters)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The SHA-256 (64 hex characters) stored on the row the link opens."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_state(*, expires_at: dt.datetime, revoked_at: dt.datetime | None, now) -> LinkState:
    """Revoked wins over expired (the page then says staff closed it)."""
    if revoked_at is not None:
        return LinkState.REVOKED
    if now >= expires_at:
        return LinkState.EXPIRED
    return LinkState.VALID
