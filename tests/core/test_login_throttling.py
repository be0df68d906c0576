"""Issue 19 §5: throttling behind the README's reverse proxy (ADR 0020).

Every request comes from the proxy (REMOTE_ADDR 10.0.0.2); the client's address is the
right-most X-Forwarded-For entry, as ``TRUSTED_PROXY_COUNT=1`` says.
"""

import pytest
from django.test import Client
from django.urls import reverse

from relais.core.roles import Role

from ..factories import PASSWORD, MembershipFactory

PROXY = "10.0.0.2"
OFFICE = "203.0.113.7"  # one office: every member behind the same NAT address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def log_in(client: Client, login: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def members(organisation, count: int) -> list:
    return [
        MembershipFactory(organisation=organisation, role=Role.MANAGER).user for _ in range(count)
    ]


def refused(response) -> bool:
    return response.status_code == 429 or "Trop de tentatives" in response.content.decode()


@pytest.mark.parametrize("staff", [50, 100])
def test_a_whole_office_logs_in_within_a_minute(organisation, staff):
    """The issue's case: 50 staff got 20 × 429, 100 got 70, from one address."""
    users = members(organisation, staff)

    statuses = [log_in(from_address(OFFICE), user.username).status_code for user in users]

    assert statuses == [302] * staff


def test_ten_bad_logins_by_one_person_lock_out_only_that_account(organisation):
    """The issue's case: ten bad logins by anyone locked everyone behind the proxy out."""
    clumsy, colleague = members(organisation, 2)
    for _ in range(10):
        log_in(from_address(OFFICE), clumsy.username, "wrong")

    assert refused(log_in(from_address(OFFICE), clumsy.username))
    assert log_in(from_address(OFFICE), colleague.username).status_code == 302


def test_username_and_email_share_one_per_account_limit(organisation):
    """Five attempts per account, however its login is typed."""
    (user,) = members(organisation, 1)
    typed = [user.username, user.email, user.email.upper(), user.username.upper(), user.email]
    for index, login in enumerate(typed):
        log_in(from_address(f"198.51.100.{index + 1}"), login, "wrong")

    assert refused(log_in(from_address("198.51.100.99"), user.username))
    assert refused(log_in(from_address("198.51.100.98"), user.email))


def test_failures_spread_over_many_accounts_stop_that_address_only(organisation):
    users = members(organisation, 21)
    for user in users[:20]:
        log_in(from_address("192.0.2.66"), user.username, "wrong")

    assert refused(log_in(from_address("192.0.2.66"), users[20].username))
    assert log_in(from_address(OFFICE), users[20].username).status_code == 302


def test_a_forged_forwarded_for_entry_does_not_escape_the_address_limit(organisation):
    """Only the entry our proxy appended counts: the left-hand ones are the client's to forge."""
    users = members(organisation, 21)
    for index, user in enumerate(users[:20]):
        log_in(from_address(f"10.9.9.{index}, 192.0.2.66"), user.username, "wrong")

    assert refused(log_in(from_address("10.9.9.250, 192.0.2.66"), users[20].username))


def test_without_a_trusted_proxy_the_header_is_ignored(settings, organisation):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    users = members(organisation, 21)
    for index, user in enumerate(users[:20]):
        log_in(from_address(f"192.0.2.{index}"), user.username, "wrong")

    assert refused(log_in(from_address("192.0.2.200"), users[20].username))
