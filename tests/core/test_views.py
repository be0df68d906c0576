from django.core import mail
from django.test import Client
from django.urls import reverse

from relais.core.models import AgencyStatus, ApiKey, AuditEvent, CrisisMode, CrisisModeChange
from relais.core.roles import Role
from relais.core.services import crisis_mode_change, hash_api_key
from relais.core.tenancy import SESSION_KEY

from ..factories import AgencyFactory, MembershipFactory, OrganisationFactory


def test_director_switches_to_crisis_mode_and_every_page_shows_the_banner(
    member_factory, organisation
):
    user, client = member_factory(Role.DIRECTOR)
    response = client.get(reverse("core:home"))
    assert 'data-testid="crisis-banner"' not in response.content.decode()
    response = client.post(
        reverse("core:crisis"),
        {"mode": "crisis", "reception_closed": "on", "remote_commissions": "on", "note": "Covid"},
    )
    assert response.status_code == 302
    change = CrisisModeChange.objects.get()
    assert (change.mode, change.reception_closed, change.remote_commissions) == (
        "crisis",
        True,
        True,
    )
    assert change.urgent_interventions_only is False
    assert change.changed_by == user
    event = AuditEvent.objects.get(action="crisis.mode_changed")
    assert event.changes["mode"] == ["normal", "crisis"]
    for url in (reverse("core:home"), reverse("core:profile"), reverse("core:agency_list")):
        body = client.get(url).content.decode()
        assert 'data-testid="crisis-banner"' in body
        assert "Crise" in body


def test_banner_is_per_organisation(member_factory, organisation, other_organisation):
    crisis_mode_change(
        organisation=other_organisation, actor=None, mode=CrisisMode.CRISIS, switches={}
    )
    _user, client = member_factory(Role.READ_ONLY)
    assert 'data-testid="crisis-banner"' not in client.get(reverse("core:home")).content.decode()


def test_only_a_director_changes_the_mode(member_factory):
    _user, client = member_factory(Role.MANAGER)
    response = client.get(reverse("core:crisis"))
    assert response.status_code == 200
    assert "crisis-form" not in response.content.decode()
    response = client.post(reverse("core:crisis"), {"mode": "crisis"})
    assert response.status_code == 403
    assert not CrisisModeChange.objects.exists()


def test_mode_history_is_kept(member_factory, organisation):
    user, client = member_factory(Role.DIRECTOR)
    for mode in ("crisis", "restart", "normal"):
        client.post(reverse("core:crisis"), {"mode": mode})
    history = list(CrisisModeChange.objects.for_organisation(organisation).values_list("mode"))
    assert history == [("normal",), ("restart",), ("crisis",)]


def test_switch_organisation(member_factory, organisation, other_organisation):
    user, client = member_factory(Role.DIRECTOR)
    MembershipFactory(user=user, organisation=other_organisation, role=Role.READ_ONLY)
    body = client.get(reverse("core:home")).content.decode()
    assert "organisation-switch" in body
    response = client.post(
        reverse("core:organisation_switch"), {"organisation": other_organisation.pk}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == other_organisation.pk
    response = client.get(reverse("core:home"))
    assert response.context["current_organisation"] == other_organisation
    assert response.context["current_membership"].role == Role.READ_ONLY


def test_cannot_switch_to_an_organisation_one_is_not_member_of(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    stranger = OrganisationFactory()
    response = client.post(reverse("core:organisation_switch"), {"organisation": stranger.pk})
    assert response.status_code == 404


def test_switch_ignores_an_offsite_next(member_factory, organisation):
    _user, client = member_factory(Role.DIRECTOR)
    response = client.post(
        reverse("core:organisation_switch"),
        {"organisation": organisation.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:home")


def test_agency_status_change_is_audited_and_public(member_factory, organisation):
    agency = AgencyFactory(organisation=organisation, name="Agence Tours Nord")
    _user, client = member_factory(Role.MANAGER)
    response = client.post(
        reverse("core:agency_edit", args=[agency.pk]),
        {"public_status": AgencyStatus.PHONE_ONLY, "public_message": "Appelez le 02 47 00 00 00"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.public_status == AgencyStatus.PHONE_ONLY
    assert AuditEvent.objects.filter(action="agency.status_changed").exists()
    public = Client().get(reverse("core:public_agencies", args=[organisation.slug]))
    assert "Appelez le 02 47 00 00 00" in public.content.decode()


def test_api_key_is_created_shown_once_and_revoked(member_factory, organisation):
    user, client = member_factory(Role.ACCOUNTANT)
    response = client.post(reverse("core:profile"), {"name": "tableur"})
    key = response.context["new_key"]
    api_key = ApiKey.objects.get(user=user)
    assert api_key.key_hash == hash_api_key(key) and api_key.organisation == organisation
    assert key not in client.get(reverse("core:profile")).content.decode()
    client.post(reverse("core:api_key_revoke", args=[api_key.pk]))
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_cannot_revoke_someone_elses_key(member_factory, organisation):
    owner, owner_client = member_factory(Role.DIRECTOR)
    owner_client.post(reverse("core:profile"), {"name": "k"})
    _other, other_client = member_factory(Role.DIRECTOR)
    key = ApiKey.objects.get(user=owner)
    assert other_client.post(reverse("core:api_key_revoke", args=[key.pk])).status_code == 404


def test_outside_roles_cannot_create_api_keys(member_factory):
    _user, client = member_factory(Role.COMMISSION_MEMBER)
    assert client.post(reverse("core:profile"), {"name": "x"}).status_code == 403


def test_enforced_mfa_sends_members_to_the_authenticator_setup(
    member_factory, organisation, password
):
    user, _client = member_factory(Role.READ_ONLY)
    organisation.mfa_required = True
    organisation.save()
    client = Client()
    client.post(reverse("account_login"), {"login": user.username, "password": password})
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before an authenticator is added: no redirect loop.
    client.post(reverse("account_reauthenticate"), {"password": password})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "otpauth://" in page.content.decode() or page.context["form"] is not None


def test_director_requires_mfa_for_the_organisation(member_factory, organisation):
    _user, client = member_factory(Role.DIRECTOR)
    response = client.post(reverse("core:organisation_settings"), {"mfa_required": "on"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.mfa_required
    assert AuditEvent.objects.filter(action="organisation.settings_changed").exists()


def test_login_page_is_french_and_logs_in(member_factory, password):
    user, _client = member_factory(Role.DIRECTOR)
    client = Client()
    page = client.get(reverse("account_login"))
    assert "Mot de passe" in page.content.decode()
    response = client.post(reverse("account_login"), {"login": user.username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_failed_logins_are_throttled(member_factory, password):
    user, _client = member_factory(Role.DIRECTOR)
    client = Client()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.username, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.username, "password": password})
    assert response.status_code == 200, "even the right password is refused while throttled"
    assert "Trop de tentatives" in response.content.decode()


def test_password_reset_sends_an_email(member_factory):
    user, _client = member_factory(Role.DIRECTOR)
    response = Client().post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to


def test_no_public_signup():
    response = Client().get(reverse("account_signup"))
    assert [t.name for t in response.templates][0] == "account/signup_closed.html"
