"""In a real browser (issue 15, "Done when"): the federation opens a pooled mask order; two
members declare needs; the delivery is short and is allocated pro rata; one member receives
its share into an agency's stock and its days of cover rise. Screenshots at 390 px too."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.supplies.models import Campaign, Item, ItemKind
from relais.supplies.stock.services import movement_receive

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from ..supplies.fixtures import make_location
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(organisation, username, role, first, last):
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _members_declare(new_page, campaign, line):
    """Tours Habitat asks for 1,000 masks, Scalis for 500, each on its own page."""
    for username, units in (("manager", "1000"), ("scalis", "500")):
        member = new_page()
        _login(member, username)
        member.goto(f"/fournitures/groupees/{campaign.pk}/besoins/")
        member.locator(f"input[name=line_{line.pk}]").fill(units)
        member.locator("main form button[type=submit]").click()
        grouped = f"{int(units):,}".replace(",", "\u202f")  # « 1 000 »: relais.formats.quantity
        expect(member.get_by_test_id("mine")).to_contain_text(grouped)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pooled_mask_order_short_delivery_received_into_an_agency(new_page, tmp_path):
    shots = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    tours = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    scalis = OrganisationFactory(name="Scalis", slug="scalis")
    _user(tours, "federation", Role.FEDERATION_ANALYST, "Bruno", "Leclerc")
    _user(tours, "manager", Role.MANAGER, "Karim", "Benali")
    _user(scalis, "scalis", Role.MANAGER, "Marc", "Lebrun")
    agency = make_location(tours, name="Agence Centre", caretakers=2)  # 4 masks a day
    masks = Item.objects.get(organisation=tours, kind=ItemKind.SURGICAL_MASK)
    movement_receive(organisation=tours, actor=None, location=agency, item=masks, quantity=8)

    analyst = new_page()
    _login(analyst, "federation")
    analyst.goto("/fournitures/groupees/nouvelle/")
    analyst.locator("input[name=title]").fill("Masques chirurgicaux – printemps")
    deadline = timezone.localdate() + dt.timedelta(days=7)
    analyst.locator("input[name=deadline]").fill(deadline.isoformat())
    analyst.locator("input[name=price_surgical_mask]").fill("0.12")
    analyst.locator("main form button[type=submit]").click()
    expect(analyst.get_by_test_id("members")).to_be_visible()
    campaign = Campaign.objects.get()
    line = campaign.lines.get()

    _members_declare(new_page, campaign, line)

    analyst.reload()
    expect(analyst.get_by_test_id("unanswered")).to_contain_text("Chaque membre a répondu")
    analyst.screenshot(path=str(shots / "supplies-campaign-needs.png"), full_page=True)
    analyst.locator(f"form[action$='/groupees/{campaign.pk}/commander/'] button").click()
    # Before the needs deadline, a confirmation step (no script: CSP).
    expect(analyst.get_by_test_id("confirm-order")).to_be_visible()
    analyst.get_by_test_id("confirm-order").locator("button[type=submit]").click()
    expect(analyst.locator("main")).to_contain_text("Commandée")
    analyst.goto(f"/fournitures/groupees/{campaign.pk}/livraison/")
    analyst.locator(f"input[name=line_{line.pk}]").fill("600")  # short: 1,500 asked
    analyst.locator("main form button[type=submit]").click()
    expect(analyst.get_by_test_id("member-tours-habitat").get_by_test_id("share")).to_contain_text(
        "400"
    )
    expect(analyst.get_by_test_id("member-scalis").get_by_test_id("share")).to_contain_text("200")
    analyst.screenshot(path=str(shots / "supplies-campaign-allocated.png"), full_page=True)

    manager = new_page()
    _login(manager, "manager")
    manager.goto(f"/fournitures/lieux/{agency.pk}/")
    days = manager.get_by_test_id("cover-surgical_mask").get_by_test_id("days")
    expect(days).to_contain_text("2")
    manager.goto(f"/fournitures/groupees/{campaign.pk}/")
    mine = manager.get_by_test_id("line-surgical_mask")
    expect(mine.get_by_test_id("share")).to_have_text("400")
    expect(manager.get_by_test_id("mine")).not_to_contain_text("Scalis")
    mine.locator("select[name=location]").select_option(label="Agence Centre")
    mine.locator("button[type=submit]").click()
    expect(manager.get_by_test_id("line-surgical_mask")).to_contain_text("Agence Centre")
    manager.goto(f"/fournitures/lieux/{agency.pk}/")
    row = manager.get_by_test_id("cover-surgical_mask")
    expect(row.get_by_test_id("stock")).to_contain_text("408")
    expect(row.get_by_test_id("days")).to_contain_text("102")

    _phone_pages(new_page, campaign, agency, shots)


def _phone_pages(new_page, campaign, agency, shots):
    """The stock, the location and the campaign at 390 px: no sideways scrolling."""
    phone = new_page(width=390, height=844)
    _login(phone, "manager")
    for path in ("/fournitures/", f"/fournitures/lieux/{agency.pk}/"):
        phone.goto(path)
        _no_sideways_scroll(phone)
    phone.screenshot(path=str(shots / "supplies-location-390.png"), full_page=True)
    phone.goto(f"/fournitures/groupees/{campaign.pk}/")
    _no_sideways_scroll(phone)
