"""Issue 19 §5: inviting a commission member by the e-mail of an existing account.

The case: the inviter typed « jeanne.durand@scalis.fr » and « Mme Maire »; the page showed the
account's real name (Jeanne Durand, a Scalis director) and the account silently got a
membership of Tours Habitat. Now the person gets an invitation to accept, and the inviter sees
only what they typed.
"""

import html

import pytest
from django.test import Client
from django.urls import reverse

from relais.allocation.commissions import services
from relais.allocation.models import CommissionInvitation, CommissionMember, Seat
from relais.core.models import AuditEvent, Membership
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role
from relais.housing.forms import CommuneField

from ..factories import MembershipFactory, UserFactory
from .factories import CommissionFactory

pytestmark = pytest.mark.django_db
TYPED = {"email": "jeanne.durand@scalis.fr", "first_name": "Mme", "last_name": "Maire"}


@pytest.fixture
def existing(other_organisation):
    user = UserFactory(
        username="jdurand", email="jeanne.durand@scalis.fr", first_name="Jeanne", last_name="Durand"
    )
    MembershipFactory(user=user, organisation=other_organisation, role=Role.DIRECTOR)
    return user


@pytest.fixture
def commission(organisation):
    return CommissionFactory(organisation=organisation, name="CALEOL Tours Nord")


def invite(owner_client, commission, **extra):
    url = reverse("allocation:commission_member_invite", args=[commission.pk])
    return owner_client.post(
        url, {**TYPED, "seat": Seat.TENANT, "commune": "", **extra}, follow=True
    )


def test_the_inviter_sees_only_what_they_typed(
    owner_client,
    commission,
    existing,
    organisation,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(owner_client, commission)

    body = html.unescape(response.content.decode())
    assert "Mme Maire (jeanne.durand@scalis.fr)" in body
    assert "Jeanne" not in body and "Durand" not in body and "jdurand" not in body
    assert not Membership.objects.filter(user=existing, organisation=organisation).exists()
    assert not CommissionMember.objects.exists()
    # Through the outbox (recorded, retried, on the messages page) to the SMTP server.
    (queued,) = OutboxMessage.objects.all()
    assert (queued.purpose, queued.status) == ("allocation.commission_invitation", "sent")
    (message,) = smtp_server.messages
    assert message["To"] == "jeanne.durand@scalis.fr"
    text = message.get_body(("plain",)).get_content()
    answer = reverse("allocation:invitation_answer", args=[CommissionInvitation.objects.get().pk])
    assert answer in text and "password" not in text


def test_the_person_accepts_and_only_then_sits(commission, existing, organisation, owner_client):
    invite(owner_client, commission)
    invitation = CommissionInvitation.objects.get()
    client = Client()
    client.force_login(existing)
    url = reverse("allocation:invitation_answer", args=[invitation.pk])

    page = client.get(url)
    assert page.status_code == 200 and "CALEOL Tours Nord" in page.content.decode()
    response = client.post(url, {"answer": "accept"})

    assert response.status_code == 302
    member = CommissionMember.objects.get(user=existing)
    assert (member.seat, member.is_active, member.membership_created) == (Seat.TENANT, True, True)
    membership = Membership.objects.get(user=existing, organisation=organisation)
    assert (membership.role, membership.is_active) == (Role.COMMISSION_MEMBER, True)
    assert AuditEvent.objects.filter(action="commission.invitation_accepted").exists()
    assert client.post(url, {"answer": "decline"}).status_code == 200  # answered once only
    assert CommissionMember.objects.get(user=existing).is_active


def test_declining_gives_nothing(commission, existing, organisation, owner_client):
    invite(owner_client, commission)
    client = Client()
    client.force_login(existing)

    url = reverse("allocation:invitation_answer", args=[CommissionInvitation.objects.get().pk])
    client.post(url, {"answer": "decline"})

    assert not CommissionMember.objects.exists()
    assert not Membership.objects.filter(user=existing, organisation=organisation).exists()


def test_nobody_else_opens_the_invitation(commission, existing, owner_client, member_factory):
    invite(owner_client, commission)
    url = reverse("allocation:invitation_answer", args=[CommissionInvitation.objects.get().pk])
    _user, someone = member_factory(Role.DIRECTOR)

    assert owner_client.get(url).status_code == 404  # not even the inviter
    assert someone.post(url, {"answer": "accept"}).status_code == 404
    assert not CommissionMember.objects.exists()


def test_a_second_pending_invitation_is_refused(commission, existing, owner_client):
    invite(owner_client, commission)
    response = invite(owner_client, commission, seat=Seat.LANDLORD)

    assert "already been invited" in response.content.decode() or "déjà été invitée" in (
        html.unescape(response.content.decode())
    )
    assert CommissionInvitation.objects.count() == 1


def accept(commission, user, seat=Seat.TENANT):
    invitation = services.commission_member_invite(
        commission=commission,
        actor=None,
        email=user.email,
        first_name="A",
        last_name="B",
        seat=seat,
    )
    return services.commission_invitation_answer(invitation=invitation, user=user, accept=True)


def test_removing_the_seat_ends_the_membership_it_created(commission, existing, organisation):
    member = accept(commission, existing)

    services.commission_member_remove(member=member, actor=None)

    membership = Membership.objects.get(user=existing, organisation=organisation)
    assert membership.is_active is False
    assert AuditEvent.objects.filter(action="membership.ended").exists()
    assert Membership.objects.get(user=existing, role=Role.DIRECTOR).is_active  # Scalis kept


def test_another_seat_keeps_the_membership(commission, existing, organisation):
    member = accept(commission, existing)
    accept(CommissionFactory(organisation=organisation, name="CALEOL Sud"), existing)

    services.commission_member_remove(member=member, actor=None)

    assert Membership.objects.get(user=existing, organisation=organisation).is_active


def test_removing_a_staff_members_seat_keeps_their_staff_membership(
    commission, organisation, member_factory
):
    staff, _client = member_factory(Role.ALLOCATION_OFFICER)
    member = accept(commission, staff, seat=Seat.PRESIDENT)
    assert member.membership_created is False

    services.commission_member_remove(member=member, actor=None)

    assert Membership.objects.get(user=staff, organisation=organisation).is_active


def test_an_empty_optional_commune_is_not_looked_up(django_assert_num_queries):
    """The issue's case: the empty commune was looked up, and refused as an unknown code."""
    with django_assert_num_queries(0):
        assert CommuneField(required=False).clean("") is None


def test_a_seat_without_commune_is_invited(owner_client, commission):
    response = invite(owner_client, commission, email="nouvelle@example.org")

    assert response.redirect_chain, response.content.decode()
    assert CommissionInvitation.objects.get().commune is None
