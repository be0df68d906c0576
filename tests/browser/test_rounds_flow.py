"""In a real browser at 390 × 844 (a caretaker's phone): the caretaker completes a
disinfection round, one step submitted twice (recorded once) and one ticked while the page is
offline (queued, sent when the network returns); the manager prints the building notice,
which shows the time of the disinfection, and sees the round that was missed (issue 9, "Done
when")."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.proximity import generation, services
from relais.proximity.models import RoundKind, RoundOccurrence, RoundStep, RoundTemplate

from ..factories import BuildingFactory, MembershipFactory, OrganisationFactory, UserFactory
from ..proximity.conftest import make_round
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESEND = """async (action) => {
  const form = document.querySelector(`form[action="${action}"]`);
  const body = new URLSearchParams(new FormData(form));
  const response = await fetch(action, {method: "POST", body: body,
    headers: {Accept: "application/json"}});
  return (await response.json()).recorded;
}"""


@pytest.fixture
def rounds():
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    building = BuildingFactory(
        residence__organisation=organisation, address="12 rue Nationale", postcode="37000"
    )
    caretaker = UserFactory(username="gardien", first_name="Thierry", last_name="Roux")
    MembershipFactory(user=caretaker, organisation=organisation, role=Role.CARETAKER)
    manager = UserFactory(username="manager", first_name="Karim", last_name="Benali")
    MembershipFactory(user=manager, organisation=organisation, role=Role.MANAGER)
    services.caretaker_set(
        organisation=organisation, actor=None, building=building, caretaker=caretaker
    )
    # Disinfection from midnight to the end of the day; cleaning from 00:00 to 00:01 (missed).
    make_round(organisation, building, first_start=dt.time(0), window_minutes=1439)
    make_round(
        organisation, building, kind=RoundKind.CLEANING, first_start=dt.time(0), window_minutes=1
    )
    generation.generate_ahead(0)
    cleaning = RoundOccurrence.objects.get(kind=RoundKind.CLEANING)
    services.mark_missed(cleaning.due_at + dt.timedelta(seconds=30))
    return building


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _button(page, step):
    return page.locator(f'[data-step="{step.pk}"] button[type="submit"]').first


def test_caretaker_round_offline_and_twice_then_notice_and_missed(rounds, new_page, tmp_path):
    occurrence = RoundOccurrence.objects.get(kind=RoundKind.DISINFECTION)
    steps = list(occurrence.steps.order_by("position"))
    page = new_page(390, 844)
    _login(page, "gardien")
    page.goto("/tournees/")
    expect(page.get_by_role("heading", name="Désinfection des points de contact")).to_be_visible()
    _no_sideways_scroll(page)

    # Step 1, then the same submission again (a lost answer): recorded once.
    _button(page, steps[0]).click()
    expect(_button(page, steps[0])).to_contain_text(re.compile(r"fait à \d\d:\d\d\s*$"))
    action = page.locator(f'[data-step="{steps[0].pk}"] form[data-round-tick]').get_attribute(
        "action"
    )
    assert page.evaluate(RESEND, action) is False
    assert RoundStep.objects.filter(done_at__isnull=False).count() == 1

    # Step 2 while offline: queued in the page, sent when the network returns.
    page.context.set_offline(True)
    _button(page, steps[1]).click()
    expect(_button(page, steps[1])).to_contain_text("envoi en attente")
    expect(page.locator("[data-rounds-status]")).to_contain_text("Hors connexion")
    ticked_offline = timezone.now()
    page.wait_for_timeout(500)
    assert RoundStep.objects.get(pk=steps[1].pk).done_at is None
    page.context.set_offline(False)
    expect(_button(page, steps[1])).not_to_contain_text("envoi en attente")
    offline_step = RoundStep.objects.get(pk=steps[1].pk)
    assert abs(offline_step.done_at - ticked_offline) < dt.timedelta(seconds=5)

    for step in steps[2:]:
        _button(page, step).click()
        expect(_button(page, step)).to_contain_text(re.compile(r"fait à \d\d:\d\d\s*$"))
    page.screenshot(path=str(tmp_path / "rounds-phone.png"), full_page=True)
    occurrence.refresh_from_db()
    assert occurrence.status == "done"
    assert RoundStep.objects.filter(occurrence=occurrence, done_at__isnull=True).count() == 0

    # The manager: the building notice shows the time; the missed cleaning round.
    manager = new_page(390, 844)
    _login(manager, "manager")
    response = manager.request.get(f"/tournees/immeuble/{rounds.pk}/affiche.pdf")
    assert response.headers["content-type"] == "application/pdf"
    if shutil.which("pdftotext"):
        path = tmp_path / "notice.pdf"
        path.write_bytes(response.body())
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        local = timezone.localtime(occurrence.completed_at)
        assert f"{local:%H} h {local:%M}" in text.stdout
    manager.goto("/")
    expect(manager.get_by_text("12 rue Nationale").first).to_be_visible()
    manager.goto("/tournees/suivi/")
    missed = manager.get_by_test_id("missed")
    expect(missed).to_contain_text("Nettoyage")
    expect(missed).to_contain_text("Thierry Roux")
    _no_sideways_scroll(manager)
    assert RoundTemplate.objects.count() == 2
