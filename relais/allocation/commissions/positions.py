"""During an open session: each member's positions on the candidates and declarations of
interest, written under the session lock (``sessions.lock_session``; see ``sessions``'s
docstring for the concurrency rule)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import (
    AgendaItem,
    Candidate,
    CommissionMember,
    DeclarationKind,
    ItemDeclaration,
    Position,
    PositionChoice,
    Session,
    SessionKind,
    SessionStatus,
)
from .electorate import covers, place_of
from .sessions import lock_session


def lock_open(session: Session, member: CommissionMember) -> Session:
    """Lock the session; refuse when closed or outside its hours, or ``member`` has no seat."""
    session = lock_session(session)
    now = timezone.now()
    if session.status != SessionStatus.OPEN:
        raise ValidationError(_("The session is closed: positions can no longer change."))
    if session.kind == SessionKind.REMOTE and now < session.opens_at:
        raise ValidationError(_("The session has not opened yet."))
    if session.kind == SessionKind.REMOTE and now >= session.closes_at:
        raise ValidationError(_("The closing time has passed: positions can no longer change."))
    if member.commission_id != session.commission_id or not member.is_active:
        raise ValidationError(_("You do not sit on this commission."))
    return session


def check_in_electorate(member: CommissionMember, item: AgendaItem) -> None:
    """Refuse a voting member whose seat does not cover the item's dwelling (a mayor of
    another commune, the president of another EPCI): they do not vote on it."""
    if not covers(member, place_of(item)):
        raise ValidationError(
            _(
                "You do not vote on this item: the dwelling is in %(commune)s, outside the "
                "territory of your seat."
            )
            % {"commune": item.vacancy.dwelling.building.commune.name}
        )


def _clean_position(candidate: Candidate, choice: str, rank, reason: str):
    if choice not in PositionChoice.values:
        raise ValidationError(_("Choose attribution, non-attribution or inadmissible."))
    if choice == PositionChoice.ATTRIBUTION:
        size = candidate.item.candidates.count()
        if rank is None or not 1 <= int(rank) <= size:
            raise ValidationError(
                _("An attribution needs a rank between 1 and %(size)d.") % {"size": size}
            )
        return int(rank), ""
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason of a non-attribution or an inadmissibility."))
    return None, reason.strip()


def _check_rank_free(member: CommissionMember, candidate: Candidate, rank: int | None) -> None:
    """A member ranks the candidates of an item in an order: no two attributions share a rank
    (checked under the session lock, so two tabs saving at once cannot both pass)."""
    if rank is None:
        return
    taken = (
        Position.objects.filter(member=member, candidate__item_id=candidate.item_id, rank=rank)
        .exclude(candidate=candidate)
        .select_related("candidate")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            _(
                "You already gave rank %(rank)d to candidate %(other)d on this item: "
                "change that position first."
            )
            % {"rank": rank, "other": taken.candidate.proposed_rank}
        )


@write_transaction
def position_record(
    *,
    session: Session,
    member: CommissionMember,
    candidate: Candidate,
    choice: str,
    rank=None,
    reason: str = "",
) -> Position:
    """Record or change a voting member's position on a candidate (one row per pair).

    The audit trail records that the member took position, not which one: positions stay
    secret until the close.
    """
    with transaction.atomic():
        session = lock_open(session, member)
        candidate = Candidate.objects.select_related(
            "item__vacancy__dwelling__building__commune"
        ).get(pk=candidate.pk, item__session=session)
        if not member.votes:
            raise ValidationError(_("Advisory members do not vote."))
        check_in_electorate(member, candidate.item)
        conflicted = ItemDeclaration.objects.filter(
            member=member, item=candidate.item, kind=DeclarationKind.CONFLICT
        )
        if conflicted.exists():
            raise ValidationError(_("You declared a conflict of interest on this item."))
        rank, reason = _clean_position(candidate, choice, rank, reason)
        _check_rank_free(member, candidate, rank)
        position, created = Position.objects.update_or_create(
            member=member,
            candidate=candidate,
            defaults={
                "organisation": session.organisation,
                "choice": choice,
                "rank": rank,
                "reason": reason,
            },
        )
        audit.record(
            action="vote.position_recorded",
            organisation=session.organisation,
            actor=member.user,
            obj=candidate.item,
            changes={"candidate": candidate.pk, "member": member.pk, "changed": not created},
        )
    return position


@write_transaction
def declaration_record(
    *, session: Session, member: CommissionMember, item: AgendaItem, kind: str, reason: str = ""
) -> ItemDeclaration:
    """Declare a conflict of interest (the member's positions on the item are withdrawn) or
    send the item back to an in-person session (any member may, in a remote session)."""
    with transaction.atomic():
        session = lock_open(session, member)
        item = AgendaItem.objects.select_related("vacancy__dwelling__building__commune").get(
            pk=item.pk, session=session
        )
        if kind not in DeclarationKind.values:
            raise ValidationError(_("Unknown declaration."))
        if member.votes:  # advisory members follow every item
            check_in_electorate(member, item)
        if kind == DeclarationKind.SEND_BACK:
            if session.kind != SessionKind.REMOTE:
                raise ValidationError(_("Only a remote session sends items back."))
            if not reason.strip():
                raise ValidationError(_("Say why the item must be examined in person."))
        declaration, created = ItemDeclaration.objects.get_or_create(
            member=member,
            item=item,
            kind=kind,
            defaults={"organisation": session.organisation, "reason": reason.strip()},
        )
        withdrawn = 0
        if kind == DeclarationKind.CONFLICT:
            withdrawn, _detail = Position.objects.filter(
                member=member, candidate__item=item
            ).delete()
        if created:
            audit.record(
                action=f"vote.{kind}_declared",
                organisation=session.organisation,
                actor=member.user,
                obj=item,
                changes={"member": member.pk, "reason": reason, "positions_withdrawn": withdrawn},
            )
    return declaration


@write_transaction
def declaration_withdraw(
    *, session: Session, member: CommissionMember, item: AgendaItem, kind: str
) -> None:
    with transaction.atomic():
        session = lock_open(session, member)
        deleted, _detail = ItemDeclaration.objects.filter(
            member=member, item_id=item.pk, item__session=session, kind=kind
        ).delete()
        if deleted:
            audit.record(
                action=f"vote.{kind}_withdrawn",
                organisation=session.organisation,
                actor=member.user,
                obj=item,
                changes={"member": member.pk},
            )
