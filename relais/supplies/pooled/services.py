"""Writes on pooled regional orders (ADR 0044).

The federation's analyst opens a campaign, members declare their needs until the deadline,
the analyst places one order then records what was delivered: each line is shared among the
members pro rata of their needs (``rules.allocate_pro_rata``, whole units) and each share's
cost is its units × the line's unit price. A member receives its share into one of its
locations: a receipt movement, exactly once (a conditional UPDATE claims the share).

Campaign events go to the chain of the organisation the analyst acted from; a member's needs,
shares and receipts to that member's chain.
"""

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import Organisation
from relais.core.transactions import write_transaction
from relais.formats import quantity

from .. import rules
from ..models import Campaign, CampaignLine, CampaignStatus, Need, Share
from ..stock.services import items_ensure_defaults, movement_receive


class CampaignError(ValidationError):
    """A step that does not fit the campaign's state (closed, already delivered…)."""


@write_transaction
def campaign_open(
    *, organisation, actor, title: str, deadline, supplier: str, prices: dict[str, int]
) -> Campaign:
    """Open a campaign in ``organisation``'s federation; ``prices`` is {item kind: unit price
    in cents}, at least one."""
    if organisation.federation_id is None:
        raise CampaignError(_("Your organisation is not a member of a federation."))
    if not prices:
        raise CampaignError(_("Give a unit price for at least one item."))
    campaign = Campaign.objects.create(
        federation_id=organisation.federation_id,
        title=title,
        deadline=deadline,
        supplier=supplier,
        created_by=actor,
    )
    CampaignLine.objects.bulk_create(
        [
            CampaignLine(campaign=campaign, kind=kind, unit_price_cents=p)
            for kind, p in prices.items()
        ]
    )
    audit.record(
        action="supplies_campaign.opened",
        organisation=organisation,
        actor=actor,
        obj=campaign,
        changes={"deadline": deadline, "lines": len(prices)},
    )
    return campaign


def accepts_needs(campaign, today) -> bool:
    return campaign.status == CampaignStatus.OPEN and today <= campaign.deadline


@write_transaction
def needs_declare(*, organisation, actor, campaign, quantities: dict[int, int]) -> None:
    """Set the member's needs: {line id: units}; 0 withdraws a line's need. Refused once the
    order is placed or the deadline has passed."""
    if campaign.federation_id != organisation.federation_id:
        raise CampaignError(_("This pooled order is not your federation's."))
    # Read the status under a lock: the order may have been placed since the page was shown.
    campaign = Campaign.objects.select_for_update(of=("self",), no_key=True).get(pk=campaign.pk)
    if not accepts_needs(campaign, timezone.localdate()):
        raise CampaignError(_("This pooled order no longer takes needs."))
    lines = {line.pk: line for line in campaign.lines.all()}
    now = timezone.now()
    for line_id, units in quantities.items():
        if line_id not in lines or units < 0:
            raise CampaignError(_("Enter whole units, zero or more, for the items listed."))
        if units:
            Need.objects.update_or_create(
                organisation=organisation,
                line=lines[line_id],
                defaults={"quantity": units, "declared_by": actor, "declared_at": now},
            )
        else:
            Need.objects.filter(organisation=organisation, line_id=line_id).delete()
    audit.record(
        action="supplies_needs.declared",
        organisation=organisation,
        actor=actor,
        obj=campaign,
        changes={"units": sum(quantities.values())},
    )


@write_transaction
def campaign_order(*, organisation, actor, campaign) -> None:
    """Place the federation's order: no more needs; the quantities ordered are their sums."""
    claimed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.OPEN).update(
        status=CampaignStatus.ORDERED, ordered_at=timezone.now()
    )
    if not claimed:
        raise CampaignError(_("This pooled order has already been placed."))
    total = Need.objects.filter(line__campaign=campaign).aggregate(units=Sum("quantity"))
    audit.record(
        action="supplies_campaign.ordered",
        organisation=organisation,
        actor=actor,
        obj=campaign,
        changes={"units": total["units"] or 0},
    )


@write_transaction
def campaign_deliver(*, organisation, actor, campaign, delivered: dict[int, int]) -> list[Share]:
    """Record the units delivered per line ({line id: units}) and allocate them: each member's
    share pro rata of its needs in whole units (largest remainder), adding up to the delivery
    (or to the needs when the delivery covers them). Happens once; more units than ordered
    (the sum of the needs) on a line is refused."""
    claimed = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.ORDERED).update(
        status=CampaignStatus.DELIVERED, delivered_at=timezone.now()
    )
    if not claimed:
        raise CampaignError(_("Place the order before recording its delivery, and only once."))
    lines = list(campaign.lines.all())
    if set(delivered) != {line.pk for line in lines} or min(delivered.values(), default=0) < 0:
        raise CampaignError(_("Enter the units delivered, zero or more, for every item."))
    needs: dict[int, dict[int, int]] = {}
    for line_id, org_id, units in Need.objects.filter(line__campaign=campaign).values_list(
        "line_id", "organisation_id", "quantity"
    ):
        needs.setdefault(line_id, {})[org_id] = units
    for line in lines:
        ordered = sum(needs.get(line.pk, {}).values())
        if delivered[line.pk] > ordered:
            # As purchase-order receipts (``orders.services.order_receive``): a surplus would
            # be shared to nobody.
            raise CampaignError(
                _("%(item)s: more units than ordered (%(ordered)s).")
                % {"item": line.get_kind_display(), "ordered": quantity(ordered)}
            )
    shares = []
    for line in lines:
        line.delivered = delivered[line.pk]
        line.save(update_fields=["delivered"])
        allocation = rules.allocate_pro_rata(line.delivered, needs.get(line.pk, {}))
        shares += [
            Share(
                organisation_id=org_id,
                line=line,
                quantity=units,
                cost_cents=units * line.unit_price_cents,
            )
            for org_id, units in sorted(allocation.items())
            if units
        ]
    Share.objects.bulk_create(shares)
    _audit_delivery(organisation, actor, campaign, delivered, shares)
    return shares


def _audit_delivery(organisation, actor, campaign, delivered, shares):
    audit.record(
        action="supplies_campaign.delivered",
        organisation=organisation,
        actor=actor,
        obj=campaign,
        changes={"units": sum(delivered.values()), "shares": len(shares)},
    )
    members = Organisation.objects.in_bulk({share.organisation_id for share in shares})
    for org_id, member in sorted(members.items()):
        mine = [share for share in shares if share.organisation_id == org_id]
        audit.record(
            action="supplies_share.allocated",
            organisation=member,
            actor=actor,
            obj=campaign,
            changes={
                "units": sum(s.quantity for s in mine),
                "cost_cents": sum(s.cost_cents for s in mine),
            },
        )


@write_transaction
def share_receive(*, organisation, actor, share, location):
    """Receive the member's share into ``location``: one receipt movement; a second submit
    (double click, another tab) is refused and records nothing."""
    if share.organisation_id != organisation.pk or location.organisation_id != organisation.pk:
        raise CampaignError(_("This share or location is not your organisation's."))
    claimed = Share.objects.filter(pk=share.pk, received_at__isnull=True).update(
        received_at=timezone.now(), received_location=location
    )
    if not claimed:
        raise CampaignError(_("This share has already been received."))
    item = items_ensure_defaults(organisation)[share.line.kind]
    return movement_receive(
        organisation=organisation,
        actor=actor,
        location=location,
        item=item,
        quantity=share.quantity,
        note=str(share.line.campaign),
        share=share,
    )
