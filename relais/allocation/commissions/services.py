"""Commission writes: create and edit commissions, invite members to a seat, remove them.

A seat is offered by an invitation the person accepts (``commission_invitation_answer``).
Outside members (mayors' representatives, préfecture, EPCI…) without an account get one with an
unusable password and an e-mail holding a link to allauth's "set a new password" page; once
they accept, their membership of the organisation carries the outside role
``commission_member``, which opens no staff page.
Their session pages require two-factor authentication (``relais.allocation.views_sessions``).
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.models import Membership
from relais.core.outbox import queue_message
from relais.core.roles import Role
from relais.core.services import membership_grant

from ..models import (
    Commission,
    CommissionInvitation,
    CommissionMember,
    CommissionRules,
    Seat,
    Session,
    SessionStatus,
)

COMMISSION_FIELDS = ("name", "territory", "remote_duration_hours")
RULES_FIELDS = (
    "adopted_on",
    "remote_sessions_allowed",
    "quorum_ratio",
    "decision_rule",
    "casting_vote",
)
# Tasks queued on commit, by path (``tasks`` imports the sessions module, which imports this).
SESSION_NOTICE = "relais.allocation.commissions.tasks.session_notice"


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


def rules_of(commission: Commission) -> CommissionRules:
    """The commission's internal rules; unsaved defaults (no remote session, half of the
    members, relative plurality, the mayor's casting vote) when none were recorded yet."""
    try:
        return commission.rules
    except CommissionRules.DoesNotExist:
        return CommissionRules(organisation_id=commission.organisation_id, commission=commission)


def commission_rules_save(*, commission: Commission, actor, rules: CommissionRules):
    """Record the commission's internal rules (audited: each changed value, before → after,
    the first time against the defaults).

    They apply to the sessions opened afterwards: an open session keeps the rules it opened
    with (copied onto it by ``sessions.session_open``).
    """
    if rules.commission_id != commission.pk or rules.organisation_id != commission.organisation_id:
        raise ValueError("rules of another commission")
    with transaction.atomic():
        saved = CommissionRules.objects.select_for_update().filter(commission=commission).first()
        before = saved or CommissionRules()  # the defaults the commission had
        rules.pk = saved.pk if saved else None
        rules.full_clean()
        rules.save()
        audit.record(
            action="commission.rules_saved",
            organisation=commission.organisation,
            actor=actor,
            obj=rules,
            changes={
                name: [getattr(before, name), getattr(rules, name)]
                for name in RULES_FIELDS
                if getattr(before, name) != getattr(rules, name)
            },
        )
    return rules


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


def _check_seat(commission, user, seat, commune, epci=None):
    """The user's previous (ended) seat on this commission, if any; raises when refused."""
    if seat == Seat.MAYOR and commune is None:
        raise ValidationError(_("A mayor's seat is for one commune: give its INSEE code."))
    if seat == Seat.EPCI and epci is None:
        raise ValidationError(_("An EPCI president's seat is for one EPCI: choose it."))
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
    epci=None,
) -> CommissionInvitation:
    """Offer someone a seat; they accept it by the link of the e-mail sent to ``email``.

    Nothing of an existing account is shown to the inviter nor given to it before it accepts:
    the invitation keeps what the inviter typed. Without an account for this e-mail, one is
    created without a password (its e-mail holds the link to choose one). A second pending
    invitation to the same commission for the same person is refused.
    """
    email = email.strip()
    with transaction.atomic():
        user, created = _user_for(email, first_name, last_name)
        _check_seat(commission, user, seat, commune, epci)
        invitation = CommissionInvitation(
            organisation=commission.organisation,
            commission=commission,
            user=user,
            email=email,
            first_name=first_name,
            last_name=last_name,
            seat=seat,
            commune=commune if seat == Seat.MAYOR else None,
            epci=epci if seat == Seat.EPCI else None,
            invited_by=actor,
        )
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError as error:
            raise ValidationError(
                _("This person has already been invited to this commission.")
            ) from error
        audit.record(
            action="commission.member_invited",
            organisation=commission.organisation,
            actor=actor,
            obj=invitation,
            changes={
                "commission": commission.pk,
                "email": email,
                "seat": seat,
                "commune": invitation.commune.code if invitation.commune else "",
                "epci": invitation.epci_id or "",
                "new_account": created,
            },
        )
        _send_invitation(invitation, new_account=created)
    return invitation


def commission_invitation_answer(
    *, invitation: CommissionInvitation, user, accept: bool
) -> CommissionMember | None:
    """The invited person accepts (→ their seat) or declines; only they may answer, once.

    Accepting gives them the outside role ``commission_member`` in the organisation when they
    have no active membership there (the seat remembers it, so removing the seat ends it);
    staff keep their role.
    """
    with transaction.atomic():
        invitation = CommissionInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.user_id != user.pk or invitation.answered_at is not None:
            raise ValidationError(_("This invitation is no longer open."))
        invitation.answered_at, invitation.accepted = timezone.now(), accept
        invitation.save(update_fields=["answered_at", "accepted"])
        member = _take_seat(invitation) if accept else None
        if member is not None:
            transaction.on_commit(lambda: _notice_open_sessions(member))
        audit.record(
            action="commission.invitation_accepted" if accept else "commission.invitation_declined",
            organisation=invitation.organisation,
            actor=user,
            obj=member or invitation,
            changes={"commission": invitation.commission_id, "seat": invitation.seat},
        )
    return member


def _take_seat(invitation: CommissionInvitation) -> CommissionMember:
    commission, user = invitation.commission, invitation.user
    organisation = commission.organisation
    previous = _check_seat(commission, user, invitation.seat, invitation.commune, invitation.epci)
    active = Membership.objects.filter(organisation=organisation, user=user, is_active=True)
    created_membership = not active.exists()
    if created_membership:
        membership_grant(
            organisation=organisation, actor=user, user=user, role=Role.COMMISSION_MEMBER
        )
    member = previous or CommissionMember(
        organisation=organisation, commission=commission, user=user
    )
    member.seat, member.commune, member.is_active = invitation.seat, invitation.commune, True
    member.epci = invitation.epci
    member.membership_created = created_membership
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:  # a concurrent acceptance took the seat first
        raise ValidationError(_("This seat was just taken: reload the page.")) from error
    return member


def _notice_open_sessions(member: CommissionMember) -> None:
    """A member seated while sessions are open gets their notice (with the link to vote):
    they may vote on the items their seat covers, without changing the quorum base."""
    open_sessions = Session.objects.filter(
        commission_id=member.commission_id, status=SessionStatus.OPEN
    ).values_list("pk", flat=True)
    for session_id in open_sessions:
        enqueue(SESSION_NOTICE, session_id, [member.pk])


def password_set_url(user) -> str:
    """Absolute link to allauth's "set a new password" page for ``user`` (valid 3 days)."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation(invitation: CommissionInvitation, *, new_account: bool) -> None:
    """Queue the invitation's e-mail through the outbox (delivered after the commit)."""
    user = invitation.user
    site = settings.SITE_URL.rstrip("/")
    context = {
        "invitation": invitation,
        "commission": invitation.commission,
        "organisation": invitation.organisation,
        "new_account": new_account,
        "password_url": password_set_url(user) if new_account else "",
        "answer_url": site + reverse("allocation:invitation_answer", args=[invitation.pk]),
        "username": user.get_username(),
    }
    queue_message(
        organisation=invitation.organisation,
        channel="email",
        to=invitation.email,
        subject=_("Relais: a seat on the commission %(name)s") % {"name": invitation.commission},
        body=render_to_string("allocation/commission_invitation_email.txt", context),
        purpose="allocation.commission_invitation",
        dedupe_key=f"allocation.commission_invitation:{invitation.pk}",
    )


def commission_member_remove(*, member: CommissionMember, actor) -> CommissionMember:
    """End a seat (kept for the history of past sessions: positions point to it).

    The membership the seat created ends with it, unless the person still holds another seat
    in the organisation.
    """
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
            if member.membership_created:
                _end_membership_of_seat(member, actor)
    return member


def _end_membership_of_seat(member: CommissionMember, actor) -> None:
    other_seats = CommissionMember.objects.filter(
        organisation=member.organisation, user=member.user, is_active=True
    )
    if other_seats.exists():
        return
    membership = Membership.objects.filter(
        organisation=member.organisation, user=member.user, is_active=True
    ).first()
    if membership is None or membership.role != Role.COMMISSION_MEMBER:
        return  # made staff since: that membership is no longer the seat's
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(
        action="membership.ended",
        organisation=member.organisation,
        actor=actor,
        obj=membership,
        changes={"user": member.user.get_username(), "reason": "commission seat removed"},
    )
