"""Who must have a second factor, who has one, and whether this session used it."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator


def has_totp(user) -> bool:
    """Whether ``user`` has set up an authenticator app (one query)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def used_second_factor(request) -> bool:
    """Whether this session's login (or a later re-authentication) included a TOTP code."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def needs_totp(user) -> bool:
    """Staff and superusers must have TOTP, whatever their organisations require."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)
