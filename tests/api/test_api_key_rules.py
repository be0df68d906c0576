"""Issue 19 §5: API keys may expire, and follow their organisation's MFA requirement."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import ApiKey, AuditEvent
from relais.core.roles import Role
from relais.core.services import api_key_create

from ..accounts import add_totp
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def get(key: str):
    return Client().get("/api/v1/residences", headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, role=Role.MANAGER).user


def test_a_key_works_through_its_last_day_then_stops(organisation, member, monkeypatch):
    today = timezone.localdate()
    _api_key, key = api_key_create(
        organisation=organisation, actor=member, name="ERP", expires_on=today
    )
    assert get(key).status_code == 200

    monkeypatch.setattr(timezone, "localdate", lambda: today + dt.timedelta(days=1))

    assert get(key).status_code == 401


def test_a_key_without_an_end_date_works_when_no_limit_is_set(organisation, member):
    _api_key, key = api_key_create(organisation=organisation, actor=member, name="ERP")
    assert get(key).status_code == 200


@pytest.mark.parametrize(
    ("days", "message"),
    [(None, "doit avoir une date de fin"), (-1, "est passée"), (91, "au plus 90 jours")],
)
def test_the_maximum_lifetime_is_enforced(settings, organisation, member, days, message):
    settings.API_KEY_MAX_DAYS = 90
    expires_on = None if days is None else timezone.localdate() + dt.timedelta(days=days)
    with pytest.raises(ValidationError, match=message):
        api_key_create(organisation=organisation, actor=member, name="x", expires_on=expires_on)
    assert not ApiKey.objects.exists()


def test_the_profile_form_takes_an_end_date_and_shows_it(organisation, member, client):
    client.force_login(member)
    expires_on = timezone.localdate() + dt.timedelta(days=30)

    response = client.post(
        reverse("core:profile"), {"name": "Tableur", "expires_on": expires_on.isoformat()}
    )

    assert ApiKey.objects.get(user=member).expires_on == expires_on
    assert f"{expires_on:%d/%m/%Y}" in response.content.decode()
    event = AuditEvent.objects.get(action="api_key.created")
    assert event.changes == {"expires_on": expires_on.isoformat()}


def test_the_profile_form_refuses_a_past_date(organisation, member, client):
    client.force_login(member)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(
        reverse("core:profile"), {"name": "Tableur", "expires_on": yesterday.isoformat()}
    )

    assert response.status_code == 400
    assert "La date de fin est passée" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_key_is_refused_while_the_organisation_requires_mfa_and_the_user_has_none(
    organisation, member
):
    """The issue's case: a key kept working for a member who never set up MFA."""
    _api_key, key = api_key_create(organisation=organisation, actor=member, name="ERP")
    organisation.mfa_required = True
    organisation.save()

    response = get(key)
    assert response.status_code == 403
    assert "double authentification" in response.json()["detail"]

    add_totp(member)
    assert get(key).status_code == 200


def test_no_key_is_created_for_a_member_without_the_required_mfa(organisation, member):
    organisation.mfa_required = True
    organisation.save()

    with pytest.raises(CommandError, match="double authentification"):
        call_command("api_key", "create", member.username)
    assert not ApiKey.objects.exists()


def test_the_command_sets_an_end_date(organisation, member, capsys):
    expires_on = timezone.localdate() + dt.timedelta(days=7)
    call_command("api_key", "create", member.username, "--expires-on", expires_on.isoformat())

    assert ApiKey.objects.get(user=member).expires_on == expires_on
