"""Commission writes: create and edit commissions, invite members to a seat, remove them.

Outside members (mayors' representatives, préfecture, EPCI…) get an account with an unusable
password and an e-mail holding a link to allauth's "set a new password" page; their membership
of the organisation carries the outside role ``commission_member``, which opens no staff page.
Their session pages require two-factor authentication (``relais.allocation.views_sessions``).
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import Membership
from relais.core.roles import Role
from relais.core.services import membership_grant

from ..models import Commission, CommissionMember, Seat

COMMISSION_FIELDS = ("name", "territory", "quorum_ratio", "remote_duration_hours")


def commission_save(*, organisation, actor, commission: Commission, communes=None) -> Commission:
    """Create or update a commission (``communes``: the communes it covers, when given)."""
    if commission.organisation_id is None:
        commission.organisation = organisation
    if commission.organisation_id != organisation.pk:
        raise ValueError("commission of another organisation")
    with transaction.atomic():
        created = commission.pk is None
        commission.full_clean()
        commission.save()
        if communes is not None:
            commission.communes.set(communes)
        audit.record(
            action="commission.created" if created else "commission.updated",
            organisation=organisation,
            actor=actor,
            obj=commission,
            changes={name: str(getattr(commission, name)) for name in COMMISSION_FIELDS},
        )
    return commission


def _username_for(email: str) -> str:
    User = get_user_model()
    base = email.lower()[:150]
    username, suffix = base, 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base[: 150 - len(str(suffix)) - 1]}-{suffix}"
    return username


def _user_for(email: str, first_name: str, last_name: str):
    """(user, created): the account with this e-mail, or a new one without a password."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return user, False
    user = User(
        username=_username_for(email), email=email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.save()
    return user, True


def _check_seat(commission, user, seat, commune):
    """The user's previous (ended) seat on this commission, if any; raises when refused."""
    if seat == Seat.MAYOR and commune is None:
        raise ValidationError(_("A mayor's seat is for one commune: give its INSEE code."))
    seats = CommissionMember.objects.select_for_update().filter(commission=commission)
    previous = seats.filter(user=user).first()
    if previous is not None and previous.is_active:
        raise ValidationError(_("This person already sits on this commission."))
    if seat == Seat.PRESIDENT and seats.filter(seat=Seat.PRESIDENT, is_active=True).exists():
        raise ValidationError(_("This commission already has a president."))
    return previous


def commission_member_invite(
    *,
    commission: Commission,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    seat: str,
    commune=None,
) -> CommissionMember:
    """Give someone a seat; create their account (and outside membership) when needed.

    A new account gets an e-mail to set its password; an existing one an appointment notice.
    Staff of the organisation keep their role: the seat is what opens the session pages.
    """
    organisation = commission.organisation
    email = email.strip()
    with transaction.atomic():
        user, created = _user_for(email, first_name, last_name)
        previous = _check_seat(commission, user, seat, commune)
        membership = Membership.objects.filter(organisation=organisation, user=user).first()
        if membership is None or not membership.is_active:
            membership_grant(
                organisation=organisation, actor=actor, user=user, role=Role.COMMISSION_MEMBER
            )
        member = previous or CommissionMember(
            organisation=organisation, commission=commission, user=user
        )
        member.seat, member.is_active = seat, True
        member.commune = commune if seat == Seat.MAYOR else None
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as error:  # a concurrent invite took the seat first
            raise ValidationError(_("This seat was just taken: reload the page.")) from error
        audit.record(
            action="commission.member_invited",
            organisation=organisation,
            actor=actor,
            obj=member,
            changes={
                "commission": commission.pk,
                "user": user.get_username(),
                "seat": seat,
                "commune": commune.code if member.commune else "",
                "new_account": created,
            },
        )
        transaction.on_commit(lambda: _send_invitation(member, new_account=created))
    return member


def password_set_url(user) -> str:
    """Absolute link to allauth's "set a new password" page for ``user`` (valid 3 days)."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation(member: CommissionMember, *, new_account: bool) -> None:
    user = member.user
    context = {
        "member": member,
        "commission": member.commission,
        "organisation": member.organisation,
        "new_account": new_account,
        "password_url": password_set_url(user) if new_account else "",
        "sessions_url": settings.SITE_URL.rstrip("/") + reverse("allocation:my_sessions"),
        "username": user.get_username(),
    }
    send_mail(
        subject=_("Relais: your seat on the commission %(name)s") % {"name": member.commission},
        message=render_to_string("allocation/commission_invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def commission_member_remove(*, member: CommissionMember, actor) -> CommissionMember:
    """End a seat (kept for the history of past sessions: positions point to it)."""
    with transaction.atomic():
        updated = CommissionMember.objects.filter(pk=member.pk, is_active=True).update(
            is_active=False
        )
        member.refresh_from_db()
        if updated:
            audit.record(
                action="commission.member_removed",
                organisation=member.organisation,
                actor=actor,
                obj=member,
                changes={"commission": member.commission_id, "seat": member.seat},
            )
    return member
