"""Pooled regional orders: the federation sees every member, a member only itself; a short
delivery is shared pro rata in whole units and received once."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.supplies.models import CampaignStatus, ItemKind, Movement, Share
from relais.supplies.pooled import services
from relais.supplies.stock.services import stock_of

from ..factories import MembershipFactory, OrganisationFactory
from .fixtures import make_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(organisation, other_organisation):
    """Two members of one federation (the factories' default), a third elsewhere, a campaign."""
    assert organisation.federation_id == other_organisation.federation_id
    campaign = services.campaign_open(
        organisation=organisation,
        actor=None,
        title="Masques régionaux",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        supplier="Centrale",
        prices={ItemKind.SURGICAL_MASK: 12, ItemKind.GEL: 450},
    )
    masks, gel = campaign.lines.order_by("kind")  # gel, surgical_mask
    masks, gel = (gel, masks) if masks.kind == ItemKind.GEL else (masks, gel)
    return campaign, masks, gel


def _client(organisation, role):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def _declare(organisation, campaign, quantities):
    services.needs_declare(
        organisation=organisation, actor=None, campaign=campaign, quantities=quantities
    )


def test_short_delivery_is_allocated_pro_rata_with_costs(region, organisation, other_organisation):
    campaign, masks, gel = region
    _declare(organisation, campaign, {masks.pk: 1000, gel.pk: 3})
    _declare(other_organisation, campaign, {masks.pk: 500})
    services.campaign_order(organisation=organisation, actor=None, campaign=campaign)
    with pytest.raises(services.CampaignError):
        _declare(organisation, campaign, {masks.pk: 9999})
    shares = services.campaign_deliver(
        organisation=organisation,
        actor=None,
        campaign=campaign,
        delivered={masks.pk: 1000, gel.pk: 3},
    )
    got = {(s.organisation_id, s.line.kind): (s.quantity, s.cost_cents) for s in shares}
    assert got == {
        (organisation.pk, ItemKind.SURGICAL_MASK): (667, 667 * 12),
        (other_organisation.pk, ItemKind.SURGICAL_MASK): (333, 333 * 12),
        (organisation.pk, ItemKind.GEL): (3, 1350),
    }
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DELIVERED
    with pytest.raises(services.CampaignError):
        services.campaign_deliver(
            organisation=organisation,
            actor=None,
            campaign=campaign,
            delivered={masks.pk: 1, gel.pk: 1},
        )
    assert AuditEvent.objects.filter(
        action="supplies_share.allocated", organisation=other_organisation
    ).exists()


def test_a_share_is_received_once_into_the_members_stock(region, organisation, other_organisation):
    campaign, masks, gel = region
    _declare(organisation, campaign, {masks.pk: 100})
    services.campaign_order(organisation=organisation, actor=None, campaign=campaign)
    (share,) = services.campaign_deliver(
        organisation=organisation,
        actor=None,
        campaign=campaign,
        delivered={masks.pk: 80, gel.pk: 0},
    )
    agency = make_location(organisation)
    services.share_receive(organisation=organisation, actor=None, share=share, location=agency)
    with pytest.raises(services.CampaignError, match="déjà"):
        services.share_receive(organisation=organisation, actor=None, share=share, location=agency)
    item = agency_item = Movement.objects.get(share=share).item
    assert agency_item.kind == ItemKind.SURGICAL_MASK
    assert stock_of(agency, item) == 80
    theirs = make_location(other_organisation, name="Ailleurs")
    with pytest.raises(services.CampaignError):
        services.share_receive(
            organisation=other_organisation, actor=None, share=share, location=theirs
        )


def test_the_federation_sees_every_member_a_member_only_itself(
    region, organisation, other_organisation
):
    campaign, masks, _gel = region
    _declare(organisation, campaign, {masks.pk: 4321})
    _declare(other_organisation, campaign, {masks.pk: 8765})
    url = reverse("supplies:campaign_detail", args=[campaign.pk])
    analyst = _client(organisation, Role.FEDERATION_ANALYST).get(url).content.decode()
    assert "4\u202f321" in analyst and "8\u202f765" in analyst
    member = _client(other_organisation, Role.MANAGER).get(url).content.decode()
    assert "8\u202f765" in member and "4\u202f321" not in member and organisation.name not in member
    stranger = OrganisationFactory(federation=None)
    assert _client(stranger, Role.DIRECTOR).get(url).status_code == 404
    stranger_analyst = _client(stranger, Role.FEDERATION_ANALYST)
    assert stranger_analyst.get(url).status_code == 404


def test_needs_page_and_deadline(region, organisation):
    campaign, masks, gel = region
    client = _client(organisation, Role.MANAGER)
    url = reverse("supplies:campaign_needs", args=[campaign.pk])
    response = client.post(url, {f"line_{masks.pk}": "-3", f"line_{gel.pk}": ""})
    assert response.status_code == 400
    response = client.post(url, {f"line_{masks.pk}": "250", f"line_{gel.pk}": ""})
    assert response.status_code == 302
    campaign.deadline = timezone.localdate() - dt.timedelta(days=1)
    campaign.save()
    response = client.post(url, {f"line_{masks.pk}": "300", f"line_{gel.pk}": ""})
    assert response.status_code == 400
    assert "ne prend plus de besoins" in response.content.decode()
    assert Share.objects.count() == 0


def test_analyst_home_cards(region, organisation, other_organisation):
    campaign, masks, _gel = region
    _declare(organisation, campaign, {masks.pk: 10})
    response = _client(organisation, Role.FEDERATION_ANALYST).get(reverse("core:home"))
    cards = {card.key: card for card in response.context["cards"]}
    assert cards["supplies.open_campaigns"].count == 1
    unanswered = cards["supplies.unanswered"]
    assert [row.label for row in unanswered.rows] == [other_organisation.name]


def test_a_delivery_beyond_the_order_is_refused(region, organisation, other_organisation):
    """Trial: 341 delivered for 340 ordered was accepted, the extra unit going to nobody."""
    campaign, masks, gel = region
    _declare(organisation, campaign, {masks.pk: 240})
    _declare(other_organisation, campaign, {masks.pk: 100})
    services.campaign_order(organisation=organisation, actor=None, campaign=campaign)
    client = _client(organisation, Role.FEDERATION_ANALYST)
    url = reverse("supplies:campaign_delivery", args=[campaign.pk])
    response = client.post(url, {f"line_{masks.pk}": "341", f"line_{gel.pk}": "0"})
    assert response.status_code == 400
    assert "plus d’unités que commandé (340)" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ORDERED and Share.objects.count() == 0
    response = client.post(url, {f"line_{masks.pk}": "340", f"line_{gel.pk}": "0"})
    assert response.status_code == 302
    assert sorted(Share.objects.values_list("quantity", flat=True)) == [100, 240]


def test_placing_the_order_before_the_deadline_asks_for_confirmation(region, organisation):
    campaign, masks, _gel = region
    client = _client(organisation, Role.FEDERATION_ANALYST)
    url = reverse("supplies:campaign_order", args=[campaign.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert 'name="confirm"' in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    assert client.post(url, {"confirm": "1"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ORDERED
