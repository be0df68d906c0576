"""System checks of the core app: the audit chain key (ADR 0016)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

MIN_KEY_LENGTH = 32
HINT = (
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))' "
    "and keep it out of the database and its backups."
)


@register(Tags.security)
def audit_key_check(app_configs=None, **kwargs):
    """Without DEBUG, the audit chain key must be set, long, and not the development one."""
    if settings.DEBUG:
        return []
    key = settings.AUDIT_HMAC_KEY
    if not key or key == settings.AUDIT_DEV_HMAC_KEY or len(key) < MIN_KEY_LENGTH:
        return [
            Error(
                "AUDIT_HMAC_KEY must be set to a secret of at least "
                f"{MIN_KEY_LENGTH} characters (not the development key) when DEBUG is off.",
                hint=HINT,
                id="relais.E010",
            )
        ]
    return []
