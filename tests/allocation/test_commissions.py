"""Commissions and their members: invitations of outside members, seats, pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.allocation.commissions import services as commissions
from relais.allocation.models import Commission, CommissionMember, Seat
from relais.core.models import AuditEvent, Membership
from relais.core.roles import Role

from ..factories import CommuneFactory, MembershipFactory
from .factories import CommissionFactory, CommissionMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _invite(commission, email="maire.adjointe@ville-tours.fr", seat=Seat.MAYOR, **extra):
    extra.setdefault("commune", CommuneFactory() if seat == Seat.MAYOR else None)
    return commissions.commission_member_invite(
        commission=commission,
        actor=None,
        email=email,
        first_name="Anne",
        last_name="Adjointe",
        seat=seat,
        **extra,
    )


def _seat(commission, **kwargs):
    """Invite, and the invited person accepts."""
    invitation = _invite(commission, **kwargs)
    return commissions.commission_invitation_answer(
        invitation=invitation, user=invitation.user, accept=True
    )


def test_an_outside_member_gets_an_account_to_activate(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    commission = CommissionFactory(organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(commission)
    user = invitation.user
    assert not user.has_usable_password()
    assert (user.email, user.first_name, invitation.commune.code) == (
        "maire.adjointe@ville-tours.fr",
        "Anne",
        "37261",
    )
    assert not Membership.objects.filter(user=user).exists()  # not before accepting
    assert AuditEvent.objects.filter(action="commission.member_invited").count() == 1
    (message,) = smtp_server.messages
    assert message["To"] == "maire.adjointe@ville-tours.fr"
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200 and "password1" in page.content.decode()
    new_password = "Tres-long-mot-de-passe-2026"
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else "/" + path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    member = commissions.commission_invitation_answer(invitation=invitation, user=user, accept=True)
    assert member.commune.code == "37261"
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Role.COMMISSION_MEMBER


def test_staff_keep_their_role_when_they_take_a_seat(organisation, member_factory):
    staff, _client = member_factory(Role.ALLOCATION_OFFICER)
    commission = CommissionFactory(organisation=organisation)
    member = _seat(commission, email=staff.email.upper(), seat=Seat.PRESIDENT)
    assert member.user == staff
    assert Membership.objects.get(user=staff).role == Role.ALLOCATION_OFFICER
    assert get_user_model().objects.filter(email__iexact=staff.email).count() == 1


def test_one_president_one_seat_per_person_a_commune_for_a_mayor(organisation):
    commission = CommissionFactory(organisation=organisation)
    _seat(commission, email="president@example.org", seat=Seat.PRESIDENT)
    with pytest.raises(ValidationError, match="already has a president"):
        _invite(commission, email="other@example.org", seat=Seat.PRESIDENT)
    with pytest.raises(ValidationError, match="already sits"):
        _invite(commission, email="president@example.org", seat=Seat.LANDLORD)
    with pytest.raises(ValidationError, match="INSEE code"):
        _invite(commission, email="maire@example.org", seat=Seat.MAYOR, commune=None)
    assert CommissionMember.objects.count() == 1


def test_a_removed_member_can_be_invited_again(organisation):
    commission = CommissionFactory(organisation=organisation)
    member = _seat(commission, seat=Seat.TENANT)
    commissions.commission_member_remove(member=member, actor=None)
    member.refresh_from_db()
    assert not member.is_active
    again = _seat(commission, seat=Seat.PREFECT)
    assert (again.pk, again.seat, again.is_active, again.commune) == (
        member.pk,
        Seat.PREFECT,
        True,
        None,
    )


# Pages ---------------------------------------------------------------------------------------


def test_director_creates_a_commission_and_invites_a_mayor(owner_client, organisation):
    response = owner_client.post(
        reverse("allocation:commission_create"),
        {
            "name": "CALEOL Tours Nord",
            "territory": "Tours Métropole",
            "quorum_ratio": "0.5",
            "remote_duration_hours": "24",
        },
    )
    commission = Commission.objects.get(organisation=organisation)
    assert response["Location"] == reverse("allocation:commission_detail", args=[commission.pk])
    CommuneFactory()
    invite_url = reverse("allocation:commission_member_invite", args=[commission.pk])
    refused = owner_client.post(
        invite_url,
        {"email": "m@example.org", "first_name": "M", "last_name": "N", "seat": "mayor"},
    )
    assert refused.status_code == 400 and "commune" in refused.context["form"].errors
    owner_client.post(
        invite_url,
        {
            "email": "m@example.org",
            "first_name": "Marc",
            "last_name": "Maire",
            "seat": "mayor",
            "commune": "37261",
        },
    )
    detail = owner_client.get(reverse("allocation:commission_detail", args=[commission.pk]))
    assert "Marc Maire" in detail.content.decode()
    assert commission.invitations.get().commune_id == "37261"


def test_same_name_twice_is_a_form_error(owner_client, organisation):
    CommissionFactory(organisation=organisation, name="CALEOL Sud")
    response = owner_client.post(
        reverse("allocation:commission_create"),
        {"name": "CALEOL Sud", "quorum_ratio": "0.5", "remote_duration_hours": "24"},
    )
    assert response.status_code == 400
    assert Commission.objects.count() == 1


def test_remove_a_member_is_post_only_and_scoped(owner_client, outsider_client, organisation):
    member = CommissionMemberFactory(commission__organisation=organisation)
    MembershipFactory(organisation=organisation, user=member.user, role=Role.COMMISSION_MEMBER)
    url = reverse("allocation:commission_member_remove", args=[member.pk])
    assert owner_client.get(url).status_code == 405
    assert outsider_client.post(url).status_code == 404
    assert owner_client.post(url).status_code == 302
    member.refresh_from_db()
    assert not member.is_active
