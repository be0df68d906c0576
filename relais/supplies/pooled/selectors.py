"""Reads for pooled orders: who sees what.

A campaign is seen by the members of its federation who may answer it (directors, managers)
and by its analysts. ``campaign_table`` gives the federation's view (every member's needs and
shares); ``member_view`` gives one member's own lines only: a member never reads another
member's needs or allocation.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404

from relais.core.models import Organisation

from ..models import Campaign, CampaignStatus, Need, Share


def campaigns_for(organisation):
    """The campaigns of ``organisation``'s federation (none without a federation)."""
    if organisation is None or organisation.federation_id is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(federation_id=organisation.federation_id)


def get_campaign(request, pk) -> Campaign:
    """The campaign ``pk`` of the current organisation's federation, or 404."""
    campaign = campaigns_for(request.organisation).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@dataclass
class MemberRow:
    organisation: Organisation
    needs: list[int | None] = field(default_factory=list)  # per line
    shares: list[int | None] = field(default_factory=list)
    cost_cents: int = 0

    @property
    def cells(self) -> list[tuple[int | None, int | None]]:
        """(need, share) per line."""
        return list(zip(self.needs, self.shares, strict=True))

    @property
    def answered(self) -> bool:
        return any(need is not None for need in self.needs)


def campaign_table(campaign) -> tuple[list, list[MemberRow], list[int]]:
    """(lines, a row per member of the federation, total needs per line): the federation's
    view, in four queries."""
    lines = list(campaign.lines.all())
    members = list(Organisation.objects.filter(federation_id=campaign.federation_id))
    needs = {
        (n.organisation_id, n.line_id): n.quantity
        for n in Need.objects.filter(line__campaign=campaign)
    }
    shares = {
        (s.organisation_id, s.line_id): s for s in Share.objects.filter(line__campaign=campaign)
    }
    rows = []
    for member in members:
        row = MemberRow(member)
        for line in lines:
            row.needs.append(needs.get((member.pk, line.pk)))
            share = shares.get((member.pk, line.pk))
            row.shares.append(share.quantity if share else None)
            row.cost_cents += share.cost_cents if share else 0
        rows.append(row)
    totals = [sum(row.needs[i] or 0 for row in rows) for i in range(len(lines))]
    return lines, rows, totals


@dataclass
class MemberLine:
    line: object
    need: int | None
    share: Share | None


def member_view(campaign, organisation) -> list[MemberLine]:
    """The member's own need and share on each line (three queries)."""
    lines = list(campaign.lines.all())
    needs = dict(
        Need.objects.filter(line__campaign=campaign, organisation=organisation).values_list(
            "line_id", "quantity"
        )
    )
    shares = {
        s.line_id: s
        for s in Share.objects.filter(line__campaign=campaign, organisation=organisation)
    }
    return [MemberLine(line, needs.get(line.pk), shares.get(line.pk)) for line in lines]


def campaign_list(organisation):
    """The federation's campaigns, newest first, with whether ``organisation`` answered."""
    return list(
        campaigns_for(organisation).annotate(
            lines_count=Count("lines", distinct=True),
            answered=Count(
                "lines__needs", filter=Q(lines__needs__organisation=organisation), distinct=True
            ),
        )
    )


def unanswered(organisation) -> list[tuple[Organisation, Campaign]]:
    """(member, open campaign) pairs where the member has declared nothing yet, nearest
    deadline first (three queries)."""
    campaigns = list(
        campaigns_for(organisation).filter(status=CampaignStatus.OPEN).order_by("deadline", "pk")
    )
    if not campaigns:
        return []
    members = list(Organisation.objects.filter(federation_id=organisation.federation_id))
    answered = set(
        Need.objects.filter(line__campaign__in=campaigns)
        .values_list("line__campaign_id", "organisation_id")
        .distinct()
    )
    return [
        (member, campaign)
        for campaign in campaigns
        for member in members
        if (campaign.pk, member.pk) not in answered
    ]
