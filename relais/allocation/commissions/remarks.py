"""The written exchange of a remote session: remarks per agenda item.

A remote deliberation is valid only if members can exchange in writing during it (ordonnance
2014-1329, décret 2014-1627; ../shared/domain/DOMAIN.md §1). During a remote session each
member who takes part in an item (its electorate, and the advisory members) may write remarks
on it; the others who take part read them. Remarks are not positions: positions stay secret
until the close, and the page says so next to the box. The exchange is attached to the minutes.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import (
    AgendaItem,
    CommissionMember,
    DeclarationKind,
    ItemDeclaration,
    ItemRemark,
    Session,
    SessionKind,
)
from .electorate import covers, place_of
from .positions import lock_open

MAX_LENGTH = 2000


def takes_part(member: CommissionMember, item: AgendaItem) -> bool:
    """Whether the member follows the item's deliberation: advisory members always, voting
    members when their seat covers the dwelling."""
    return not member.votes or covers(member, place_of(item))


def remarks_of(item: AgendaItem) -> list[ItemRemark]:
    return list(
        ItemRemark.objects.filter(item=item)
        .select_related("member__user")
        .order_by("created_at", "pk")
    )


@write_transaction
def remark_post(
    *, session: Session, member: CommissionMember, item: AgendaItem, text: str
) -> ItemRemark:
    """Write a remark on an item of an open remote session (under the session lock).

    Refused (``ValidationError``) for an in-person session, outside the session's hours, for a
    member who does not take part in the item or declared a conflict on it, for an empty or
    over-long text. Posting the same text twice (a double submit) keeps one remark.
    """
    text = (text or "").strip()
    with transaction.atomic():
        session = lock_open(session, member)
        if session.kind != SessionKind.REMOTE:
            raise ValidationError(_("Written remarks are for remote sessions."))
        item = AgendaItem.objects.select_related("vacancy__dwelling__building__commune").get(
            pk=item.pk, session=session
        )
        if not takes_part(member, item):
            raise ValidationError(_("You do not take part in this item."))
        conflicted = ItemDeclaration.objects.filter(
            member=member, item=item, kind=DeclarationKind.CONFLICT
        )
        if conflicted.exists():
            raise ValidationError(_("You declared a conflict of interest on this item."))
        if not text:
            raise ValidationError(_("Write your remark first."))
        if len(text) > MAX_LENGTH:
            raise ValidationError(
                _("A remark holds at most %(max)d characters.") % {"max": MAX_LENGTH}
            )
        last = ItemRemark.objects.filter(item=item, member=member).order_by("-pk").first()
        if last is not None and last.text == text:
            return last
        remark = ItemRemark.objects.create(
            organisation=session.organisation, item=item, member=member, text=text
        )
        audit.record(
            action="vote.remark_posted",
            organisation=session.organisation,
            actor=member.user,
            obj=item,
            changes={"member": member.pk, "remark": remark.pk, "length": len(text)},
        )
    return remark
