"""The stock and order pages: bad input answers 400 with a message and changes nothing; good
input records movements; list pages stay within their queries."""

import pytest
from django.urls import reverse

from relais.core.roles import Role
from relais.supplies.models import Item, ItemKind, Location, Movement, PurchaseOrder, UsageRate
from relais.supplies.stock.services import movement_receive, stock_of

from .fixtures import make_location

pytestmark = pytest.mark.django_db


def _masks(organisation):
    return Item.objects.get(organisation=organisation, kind=ItemKind.SURGICAL_MASK)


def test_manager_creates_a_location_with_its_headcount(organisation, member_factory):
    _user, client = member_factory(Role.MANAGER)
    response = client.post(
        reverse("supplies:location_create"),
        {
            "name": "Loge Sanitas",
            "kind": "caretaker_room",
            "threshold_days": "10",
            "is_active": "on",
            "people_caretaker": "3",
        },
    )
    assert response.status_code == 302
    location = Location.objects.get(name="Loge Sanitas")
    assert dict(location.headcounts.values_list("role", "people")) == {"caretaker": 3}
    page = client.get(reverse("supplies:location_detail", args=[location.pk])).content.decode()
    assert "3 × Gardien" in page


def test_issue_beyond_the_stock_is_refused_with_a_message(organisation, member_factory):
    location = make_location(organisation)
    masks = _masks(organisation)
    movement_receive(
        organisation=organisation, actor=None, location=location, item=masks, quantity=5
    )
    _user, client = member_factory(Role.CARETAKER)
    url = reverse("supplies:movement_create", args=[location.pk])
    response = client.post(url, {"kind": "issue", "item": masks.pk, "quantity": "6"})
    assert response.status_code == 400
    assert "Il ne reste que 5 unités de Masques chirurgicaux à Agence Centre" in (
        response.content.decode()
    )
    assert Movement.objects.count() == 1
    gel = Item.objects.get(organisation=organisation, kind=ItemKind.GEL)
    response = client.post(url, {"kind": "issue", "item": gel.pk, "quantity": "1"})
    assert "Il ne reste plus de Gel hydroalcoolique à Agence Centre" in response.content.decode()
    assert "que 0" not in response.content.decode()
    response = client.post(url, {"kind": "transfer", "item": masks.pk, "quantity": "2"})
    assert response.status_code == 400  # no destination
    response = client.post(url, {"kind": "issue", "item": masks.pk, "quantity": "abc"})
    assert response.status_code == 400
    response = client.post(url, {"kind": "issue", "item": masks.pk, "quantity": "4"})
    assert response.status_code == 302
    assert stock_of(location, masks) == 1


def test_count_page_sets_the_stock(organisation, member_factory):
    location = make_location(organisation)
    masks = _masks(organisation)
    _user, client = member_factory(Role.MANAGER)
    url = reverse("supplies:count_create", args=[location.pk])
    assert client.post(url, {f"item_{masks.pk}": "-2"}).status_code == 400
    assert client.post(url, {f"item_{masks.pk}": "37"}).status_code == 302
    assert stock_of(location, masks) == 37


def test_order_then_receipts_never_beyond_what_was_ordered(organisation, member_factory):
    location = make_location(organisation)
    _user, client = member_factory(Role.MANAGER)
    response = client.post(
        reverse("supplies:order_create"),
        {
            "number": "BC-2026-001",
            "supplier": "Médical Centre",
            "ordered_on": "2026-03-20",
            "qty_surgical_mask": "1000",
            "price_surgical_mask": "0.12",
        },
    )
    assert response.status_code == 302
    order = PurchaseOrder.objects.get(number="BC-2026-001")
    line = order.lines.get()
    url = reverse("supplies:order_detail", args=[order.pk])
    assert "120,00" in client.get(url).content.decode()
    response = client.post(url, {"location": location.pk, f"line_{line.pk}": "600"})
    assert response.status_code == 302
    response = client.post(url, {"location": location.pk, f"line_{line.pk}": "401"})
    assert response.status_code == 400
    assert "plus d’unités que commandé (1\u202f000)" in response.content.decode()
    assert stock_of(location, line.item) == 600
    same_number = client.post(
        reverse("supplies:order_create"),
        {
            "number": "BC-2026-001",
            "supplier": "X",
            "ordered_on": "2026-03-21",
            "qty_gel": "1",
            "price_gel": "4",
        },
    )
    assert same_number.status_code == 400


def test_stock_page_queries_do_not_grow(
    organisation, member_factory, django_assert_max_num_queries
):
    for n in range(12):
        location = make_location(organisation, name=f"Lieu {n}")
        movement_receive(
            organisation=organisation,
            actor=None,
            location=location,
            item=_masks(organisation),
            quantity=10 + n,
        )
    _user, client = member_factory(Role.READ_ONLY)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("supplies:stock"))
    assert response.status_code == 200
    assert 'class="relais-chart"' in response.content.decode()


def test_manager_card_lists_locations_below_their_threshold(organisation, member_factory):
    low = make_location(organisation, name="Agence Nord", caretakers=2)  # 4 masks a day
    fine = make_location(organisation, name="Agence Sud", caretakers=1)
    UsageRate.objects.exclude(item__kind=ItemKind.SURGICAL_MASK).delete()  # masks only
    masks = _masks(organisation)
    movement_receive(organisation=organisation, actor=None, location=low, item=masks, quantity=12)
    movement_receive(organisation=organisation, actor=None, location=fine, item=masks, quantity=200)
    _user, client = member_factory(Role.MANAGER)
    cards = {c.key: c for c in client.get(reverse("core:home")).context["cards"]}
    card = cards["supplies.under_threshold"]
    assert card.count == 1
    assert (card.rows[0].label, card.rows[0].detail) == (
        "Agence Nord",
        "Masques chirurgicaux : 3 jours",
    )


def test_a_location_holding_stock_cannot_be_switched_off(organisation, member_factory):
    """Trial: switching off a location with stock silently dropped its stock from the totals;
    it is refused, and a location switched off once empty stays listed « hors service »."""
    _user, client = member_factory(Role.MANAGER)
    location = make_location(organisation, name="Loge Rabelais")
    movement_receive(
        organisation=organisation,
        actor=None,
        location=location,
        item=_masks(organisation),
        quantity=5,
    )
    form = {"name": "Loge Rabelais", "kind": "agency", "threshold_days": "7"}
    url = reverse("supplies:location_edit", args=[location.pk])
    response = client.post(url, form)
    assert response.status_code == 400
    assert "transférez-le ailleurs ou comptez-le à zéro" in response.content.decode()
    location.refresh_from_db()
    assert location.is_active
    from relais.supplies.stock.services import count_record

    count_record(
        organisation=organisation,
        actor=None,
        location=location,
        counted={_masks(organisation): 0},
    )
    assert client.post(url, form).status_code == 302
    location.refresh_from_db()
    assert not location.is_active
    page = client.get(reverse("supplies:stock")).content.decode()
    assert "Loge Rabelais" in page and "hors service" in page
    detail = client.get(reverse("supplies:location_detail", args=[location.pk])).content.decode()
    assert "Ce lieu est hors service" in detail


def test_the_location_chart_shows_its_most_issued_item(organisation, member_factory):
    """Trial: the chart defaulted to surgical masks, never issued there."""
    from relais.supplies.stock.services import movement_issue

    _user, client = member_factory(Role.MANAGER)
    location = make_location(organisation)
    gel = Item.objects.get(organisation=organisation, kind=ItemKind.GEL)
    movement_receive(organisation=organisation, actor=None, location=location, item=gel, quantity=9)
    movement_issue(organisation=organisation, actor=None, location=location, item=gel, quantity=4)
    page = client.get(reverse("supplies:location_detail", args=[location.pk])).content.decode()
    assert f'value="{ItemKind.GEL}" selected' in page
    assert f"{gel} remis au personnel, par semaine" in page


def test_a_receipt_with_a_destination_is_refused_on_that_field(organisation, member_factory):
    """Trial: a receipt with « Vers (transferts) » filled silently ignored the destination."""
    location = make_location(organisation)
    other = make_location(organisation, name="Véhicule 2")
    masks = _masks(organisation)
    _user, client = member_factory(Role.MANAGER)
    url = reverse("supplies:movement_create", args=[location.pk])
    data = {"kind": "receipt", "item": masks.pk, "quantity": "10", "destination": other.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Seul un transfert va vers un autre lieu" in response.content.decode()
    assert response.context["form"].errors["destination"]
    assert Movement.objects.count() == 0


def test_the_count_page_shows_the_recorded_stock(organisation, member_factory):
    location = make_location(organisation)
    masks = _masks(organisation)
    movement_receive(
        organisation=organisation, actor=None, location=location, item=masks, quantity=1600
    )
    _user, client = member_factory(Role.MANAGER)
    page = client.get(reverse("supplies:count_create", args=[location.pk])).content.decode()
    assert "Stock enregistré : 1\u202f600" in page
    assert "Stock enregistré : 0" in page  # the other items
