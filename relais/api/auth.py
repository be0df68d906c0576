"""API authentication: personal API keys sent as ``Authorization: Bearer <key>``.

A key authenticates only while it is not revoked nor past its end date (``expires_on``), its
user is active and still has an active membership, in the key's organisation, whose role grants
``api.use``; when that organisation requires two-factor authentication, the user must have an
authenticator app set up, or the key is refused (403) until they do. Sessions are never used by
the API, so it needs no CSRF token.
"""

from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from relais.core.models import ApiKey, Membership
from relais.core.roles import abilities_for_role
from relais.core.services import API_KEY_PREFIX, hash_api_key

# ``last_used_at`` is written at most once per key in this interval.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Keys are ``rls_`` + 43 URL-safe characters; anything much longer is not one of ours.
MAX_KEY_LENGTH = 100


def find_api_key(key: str) -> ApiKey | None:
    """The live key matching ``key``, with its user, organisation and membership role.

    One query: the role of the user's active membership in the key's organisation is a
    subquery, ``None`` when there is no such membership; ``user_has_totp`` tells whether the
    user has an authenticator app. Expired and revoked keys are not found.
    """
    if not key.startswith(API_KEY_PREFIX) or len(key) > MAX_KEY_LENGTH:
        return None
    role = Membership.objects.filter(
        user=OuterRef("user"), organisation=OuterRef("organisation"), is_active=True
    ).values("role")[:1]
    totp = Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
    return (
        ApiKey.objects.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()),
            key_hash=hash_api_key(key),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .annotate(membership_role=Subquery(role), user_has_totp=Exists(totp))
        .first()
    )


def touch_last_used(api_key: ApiKey) -> None:
    """Record the use of a key, at most once per ``LAST_USED_RESOLUTION``.

    The UPDATE is conditional, so concurrent requests write the row once, and requests
    within the interval write nothing at all.
    """
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at > stale:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
    ).update(last_used_at=now)
    api_key.last_used_at = now


class ApiKeyAuth(HttpBearer):
    """Bearer API key → ``request.organisation``, ``request.abilities``, ``request.user``."""

    openapi_description = "A personal API key: `manage.py api_key create <username>`."

    def authenticate(self, request, token):
        api_key = find_api_key(token)
        if api_key is None or api_key.membership_role is None:
            return None  # 401
        abilities = abilities_for_role(api_key.membership_role)
        if not abilities["api.use"]:
            raise AuthorizationError  # 403: a known member whose role may not use the API
        if api_key.organisation.mfa_required and not api_key.user_has_totp:
            raise AuthorizationError(
                message=_(
                    "Your organisation requires two-factor authentication: set up an "
                    "authenticator app in Relais before using this key."
                )
            )
        touch_last_used(api_key)
        request.user = api_key.user
        request.organisation = api_key.organisation
        request.abilities = abilities
        request.api_key = api_key
        return api_key


def require_ability(request, ability: str) -> None:
    """403 unless the key's role grants ``ability``."""
    if not request.abilities.get(ability):
        raise AuthorizationError
