"""Logging in the way people do: password, then the TOTP code of their authenticator app."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from .factories import PASSWORD


def add_totp(user) -> str:
    """Give ``user`` an authenticator app; returns its secret."""
    secret = generate_totp_secret()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def login_with_totp(client, user, secret: str, *, next_url: str = "") -> None:
    """Password then TOTP code through allauth's pages; fails the test if either is refused."""
    login = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(login, {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("mfa_authenticate")
    step = int(time.time()) // mfa_settings.TOTP_PERIOD
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    if response.status_code != 302 and int(time.time()) // mfa_settings.TOTP_PERIOD != step:
        # The code expired while the request ran (a loaded machine): type the new one, as a
        # person would.
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content
