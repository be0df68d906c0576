"""Who votes on what: the electorate of each agenda item, and who holds its casting vote.

The law (L441-2 and R441-9 CCH, ../shared/domain/DOMAIN.md §1): the six members designated by
the landlord's board (president, landlord and tenant representatives) and the préfet vote on
every dwelling; the mayor of the commune **where the dwelling is** votes on the dwellings of
that commune only, the EPCI president on the dwellings of the EPCI only; advisory members never
vote. So each item has its own electorate.

The electorate of every item is fixed when the session opens (``fix_electorates``, stored in
``AgendaItem.electorate``): its size is the item's quorum base. A member seated afterwards gets
the session notice and may vote on the items their seat covers, but does not change the base.

The casting vote in a tie belongs to the mayor of the dwelling's commune, or — where the
commission's internal rules say so — to the president of the dwelling's EPCI.
"""

from dataclasses import dataclass

from ..models import AgendaItem, CastingVote, CommissionMember, Seat, Session

# Seats that vote on every dwelling of the commission.
EVERY_DWELLING = frozenset({Seat.PRESIDENT, Seat.LANDLORD, Seat.TENANT, Seat.PREFECT})


@dataclass(frozen=True)
class Place:
    """Where a dwelling is, as the electorate needs it: INSEE code and EPCI SIREN."""

    commune_id: str
    epci_id: str | None


def covers(member: CommissionMember, place: Place) -> bool:
    """Whether ``member``'s seat votes on a dwelling at ``place`` (active or not)."""
    if member.seat in EVERY_DWELLING:
        return True
    if member.seat == Seat.MAYOR:
        return member.commune_id is not None and member.commune_id == place.commune_id
    if member.seat == Seat.EPCI:
        return member.epci_id is not None and member.epci_id == place.epci_id
    return False  # advisory members


def place_of(item: AgendaItem) -> Place:
    """The dwelling's commune and EPCI (``item.vacancy.dwelling.building.commune`` loaded)."""
    commune = item.vacancy.dwelling.building.commune
    return Place(commune_id=commune.pk, epci_id=commune.epci_id)


def active_members(commission_id: int) -> list[CommissionMember]:
    return list(
        CommissionMember.objects.filter(commission_id=commission_id, is_active=True).order_by("pk")
    )


def electorate_now(item: AgendaItem, members: list[CommissionMember]) -> list[int]:
    """Ids of the active members whose seat votes on the item's dwelling, today."""
    place = place_of(item)
    return [m.pk for m in members if m.is_active and covers(m, place)]


def fix_electorates(session: Session) -> list[int]:
    """Store each item's electorate (called by ``session_open``, under the session lock).

    Returns the size of each item's electorate, its quorum base, in the agenda's order (for
    the audit trail).
    """
    members = active_members(session.commission_id)
    items = list(
        session.items.select_related("vacancy__dwelling__building__commune").order_by(
            "position", "pk"
        )
    )
    for item in items:
        item.electorate = electorate_now(item, members)
    AgendaItem.objects.bulk_update(items, ["electorate"])
    return [len(item.electorate) for item in items]


def item_electorate(item: AgendaItem, members: list[CommissionMember]) -> list[int]:
    """The electorate fixed at the opening; for an item of a session opened before electorates
    were stored, the one of today (the best that can be known)."""
    if item.electorate is not None:
        return list(item.electorate)
    return electorate_now(item, members)


def casting_member(item: AgendaItem, members: list[CommissionMember], holder: str) -> int | None:
    """The id of the member holding the casting vote on the item, if they sit on the
    commission: the mayor of the dwelling's commune, or the president of its EPCI when the
    internal rules give it to them (``holder`` = ``CastingVote`` value, copied on the session).
    The first seated wins if a seat were doubled (a representative besides the mayor)."""
    place = place_of(item)
    seat = Seat.EPCI if holder == CastingVote.EPCI else Seat.MAYOR
    return next((m.pk for m in members if m.seat == seat and covers(m, place)), None)
