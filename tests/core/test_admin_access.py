"""Issue 19 §1: the admin is reachable only after the normal login and its second factor."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from relais.core.roles import Role

from ..accounts import add_totp, login_with_totp, totp_code
from ..factories import PASSWORD, MembershipFactory, UserFactory

ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_superuser_password_posted_to_the_admin_login_opens_no_session(superuser):
    """The issue's case: the admin's own form took a superuser's password alone."""
    add_totp(superuser)
    client = Client()

    response = client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session
    assert client.get(ADMIN).status_code == 302


def test_the_admin_login_sends_to_the_normal_login_and_back():
    response = Client().get(ADMIN_LOGIN, {"next": "/admin/core/membership/"})

    assert response["Location"] == (reverse("account_login") + "?next=/admin/core/membership/")


def test_the_admin_login_ignores_an_offsite_next():
    response = Client().get(ADMIN_LOGIN, {"next": "https://evil.example/"})

    assert response["Location"] == reverse("account_login") + "?next=/admin/"


def test_password_alone_does_not_open_the_admin(superuser):
    add_totp(superuser)
    client = Client()

    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": "root", "password": PASSWORD}
    )

    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(ADMIN).status_code == 302


def test_password_and_totp_open_the_admin(superuser):
    secret = add_totp(superuser)
    client = Client()

    login_with_totp(client, superuser, secret, next_url=ADMIN)

    assert client.get(ADMIN).status_code == 200


def test_staff_without_totp_must_set_it_up_before_anything(superuser):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "root", "password": PASSWORD})
    assert response.status_code == 302

    for url in (ADMIN, reverse("core:home")):
        response = client.get(url)
        assert response["Location"] == reverse("mfa_activate_totp")


def test_a_staff_session_without_its_second_factor_is_asked_for_a_code(superuser):
    """A session opened before TOTP was set up (or by any password-only way) is not enough."""
    secret = add_totp(superuser)
    client = Client()
    client.force_login(superuser)

    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))

    response = client.post(
        reverse("mfa_reauthenticate") + "?next=/admin/", {"code": totp_code(secret)}
    )
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_member_who_is_not_staff_is_refused(organisation):
    user = MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user
    client = Client()
    client.force_login(user)

    assert client.get(ADMIN_LOGIN).status_code == 403


def test_the_admin_account_is_throttled_like_any_other(superuser):
    add_totp(superuser)
    client = Client()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "root", "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": "root", "password": PASSWORD})

    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert client.get(ADMIN).status_code == 302
