import os

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from relais.core.roles import Role

from .accounts import add_totp, login_with_totp
from .factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from .smtp import smtp_server  # noqa: F401  (a local SMTP server: tests/smtp.py)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests check what the code does with each input, not how fast the machine draws
# inputs: on a loaded CI machine (two workers, a browser) drawing alone can pass a second, which
# Hypothesis' "too slow" health check and per-example deadline would report as a failure.
hypothesis_settings.register_profile(
    "relais", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
hypothesis_settings.load_profile("relais")


@pytest.fixture(autouse=True)
def _strict_test_settings(settings):
    """Undefined template variables fail; caches and tasks stay in process; no HTTPS redirect."""
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidVariable("%s")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Throttling histories are keyed on user ids, which the next test's rows reuse.
    cache.clear()


@pytest.fixture(autouse=True)
def _audit_anchors_in_a_temporary_directory(settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"


class InvalidVariable(str):
    """``string_if_invalid`` that raises, so a typo in a template fails the test."""

    def __mod__(self, other):
        raise AssertionError(f"Undefined template variable: {other}")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Tours Habitat", slug="tours-habitat")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Scalis", slug="scalis")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_factory(organisation):
    """``member_factory(role, organisation=None)`` → (user, logged-in client)."""

    def make(role=Role.DIRECTOR, org=None):
        membership = MembershipFactory(organisation=org or organisation, role=role)
        return membership.user, _client_for(membership.user)

    return make


@pytest.fixture
def owner_client(member_factory):
    return member_factory(Role.DIRECTOR)[1]


@pytest.fixture
def readonly_client(member_factory):
    return member_factory(Role.READ_ONLY)[1]


@pytest.fixture
def outsider_client(member_factory, other_organisation):
    return member_factory(Role.DIRECTOR, other_organisation)[1]


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def admin_user(db):
    """A superuser with an authenticator app, as every staff account must have."""
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    user.totp_secret = add_totp(user)
    return user


@pytest.fixture
def admin_client(admin_user):
    """Logged in the only way the admin accepts: the normal login with its TOTP step."""
    client = Client()
    login_with_totp(client, admin_user, admin_user.totp_secret)
    return client
