"""The partner's link to a referral when the body has no account: the shared hashed link of
``core.links``, expiring after ``LINK_LIFETIME``."""

import datetime as dt

from relais.core.links import new_token, token_hash

__all__ = ["LINK_LIFETIME", "new_token", "token_hash"]

LINK_LIFETIME = dt.timedelta(days=14)
