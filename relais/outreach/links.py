"""The partner's link to a referral when the body has no account: a random token given once,
only its SHA-256 stored, expiring (like the contractors' links, ADR 0036). Pure functions."""

import datetime as dt
import hashlib
import secrets

LINK_LIFETIME = dt.timedelta(days=14)


def new_token() -> tuple[str, str]:
    """(token for the link, SHA-256 hex to store)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
