"""Changes made in the Django admin go to the audit chain like any other (issue 19 §1)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from relais.core import audit
from relais.core.admin_audit import AuditedAdminMixin
from relais.core.models import AuditEvent, Membership, Organisation
from relais.core.roles import Role

from ..allocation.factories import IncomeCeilingFactory
from ..factories import MembershipFactory, UserFactory


@pytest.fixture
def superuser(admin_user):
    """The superuser of the ``admin_client`` fixture (logged in with password and TOTP)."""
    return admin_user


def test_every_registered_admin_is_audited():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_a_role_changed_in_the_admin_is_on_the_organisation_chain(
    admin_client, superuser, organisation, member_factory
):
    membership = MembershipFactory(organisation=organisation, role=Role.READ_ONLY)
    response = admin_client.post(
        reverse("admin:core_membership_change", args=[membership.pk]),
        {
            "user": membership.user.pk,
            "organisation": organisation.pk,
            "role": Role.DIRECTOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.changed")
    assert (event.chain, event.actor, event.object_id) == (
        audit.chain_for(organisation),
        superuser,
        str(membership.pk),
    )
    assert event.changes == {"role": ["read_only", "director"]}
    _user, director = member_factory(Role.DIRECTOR)
    body = director.get(reverse("core:audit_log")).content.decode()
    assert "Modification dans l’administration" in body
    assert "Rôle&nbsp;: Lecture seule → Directeur" in body
    assert audit.verify_all()[1] == []


def test_additions_and_bulk_deletions_in_the_admin_are_audited(admin_client, organisation):
    response = admin_client.post(
        reverse("admin:core_organisation_add"),
        {"name": "Val Touraine Habitat", "slug": "vth", "siren": "", "federation": ""},
    )
    assert response.status_code == 302
    created = Organisation.objects.get(slug="vth")
    added = AuditEvent.objects.get(action="admin.created")
    assert (added.chain, added.changes["name"]) == (
        audit.chain_for(created),
        [None, "Val Touraine Habitat"],
    )
    members = MembershipFactory.create_batch(2, organisation=organisation)
    response = admin_client.post(
        reverse("admin:core_membership_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [m.pk for m in members],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=[m.pk for m in members]).exists()
    deleted = AuditEvent.objects.filter(action="admin.deleted")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(m.pk) for m in members)
    assert audit.verify_all()[1] == []


def test_a_password_changed_in_the_admin_is_named_never_copied(admin_client, db):
    user = UserFactory()
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Un-nouveau-mot-de-passe-42", "password2": "Un-nouveau-mot-de-passe-42"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.changed", object_type="auth.user")
    assert event.changes == {"fields": ["password"]}
    assert event.chain == "global"


def test_a_superuser_flag_granted_in_the_admin_is_audited(admin_client, db):
    user = UserFactory(username="camille")
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": "camille",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.changed", object_type="auth.user")
    assert event.changes["is_superuser"] == [False, True]
    assert event.changes["is_staff"] == [False, True]


def test_an_income_ceiling_edited_in_the_admin_is_recorded_once(admin_client):
    ceiling = IncomeCeilingFactory()
    response = admin_client.post(
        reverse("admin:allocation_incomeceiling_change", args=[ceiling.pk]),
        {
            "year": ceiling.year,
            "financing": ceiling.financing,
            "zone": ceiling.zone,
            "category": ceiling.category,
            "ceiling_eur": ceiling.ceiling_eur + 100,
            "source": ceiling.source,
        },
    )
    assert response.status_code == 302
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["income_ceiling.changed"]
