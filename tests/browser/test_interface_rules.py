"""The interface rules on every page, for three roles (STYLE.md "The interface").

The world is the authorisation matrix's (a landlord with stock, households, a lease and every
app's objects from ``tests/<app>/pages_*.py``) plus an open remote session with two items. The
crawl starts from every page of the matrix (which every new page must join) and follows links,
so a page added by any app is crawled with its sample objects. ``RELAIS_SCREENSHOTS=<dir>`` saves
a full-page screenshot of every page crawled.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from relais.allocation.models import Position
from relais.core.roles import Role

from ..allocation.factories_commissions import board
from ..factories import MembershipFactory, OrganisationFactory
from ..test_authorisation_matrix import PAGES, _url, _world
from .crawl import CSP_LISTENER, PHONE, crawl, log_in, summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Routes each role must reach: a crawl that stops at the login page proves nothing.
EXPECTED = {
    "director": {"core:home", "core:audit_log", "housing:household_detail", "site:legal_notice"},
    "allocation_officer": {
        "allocation:application_detail",
        "allocation:vacancy_candidates",
        "allocation:session_detail",
    },
    "commission_member": {"allocation:my_sessions", "allocation:vote", "allocation:vote_candidate"},
}


def tr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture
def world(transactional_db):
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    objects = _world(organisation, "Lefèvre")
    session = board(organisation, items=2, mark="Touraine")
    return {
        "organisation": organisation,
        "objects": objects,
        "board": session,
        "director": MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user,
        "allocation_officer": MembershipFactory(
            organisation=organisation, role=Role.ALLOCATION_OFFICER
        ).user,
        "commission_member": session.mayor.user,
    }


def _context(browser, live_server, user, **viewport):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport or PHONE, locale="fr-FR"
    )
    context.set_default_timeout(15_000)
    log_in(context, live_server.url, user)
    return context


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_every_page_follows_the_interface_rules_at_phone_width(browser, live_server, world, role):
    screenshots = os.environ.get("RELAIS_SCREENSHOTS")
    if screenshots:
        Path(screenshots, role).mkdir(parents=True, exist_ok=True)
    context = _context(browser, live_server, world[role])
    try:
        report = crawl(
            context,
            live_server.url,
            seeds=[_url(name, spec, world["objects"]) for name, (_a, spec) in PAGES.items()],
            screenshots=Path(screenshots, role) if screenshots else None,
        )
    finally:
        context.close()
    assert EXPECTED[role] <= set(report.visited), sorted(report.visited)
    assert not report.problems, summary(report)


def test_the_candidate_list_fits_a_laptop_screen(browser, live_server, world):
    vacancy = world["objects"]["open_vacancy"]
    context = _context(browser, live_server, world["allocation_officer"], width=1366, height=768)
    page = context.new_page()
    page.goto(reverse("allocation:vacancy_candidates", args=[vacancy.pk]))
    table = page.get_by_test_id("candidates")
    expect(table.locator("tbody tr")).not_to_have_count(0)
    sizes = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, table: (() => {"
        " const t = document.querySelector('[data-testid=candidates] table')"
        " || document.querySelector('[data-testid=candidates]');"
        " const box = t.closest('.table-responsive') || t.parentElement;"
        " return [box.scrollWidth, box.clientWidth]; })()})"
    )
    context.close()
    assert sizes["page"] <= 1366
    assert sizes["table"][0] <= sizes["table"][1], sizes


def _tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _focus_ring(page, selector: str) -> str:
    """The outline drawn around ``selector`` (or the label of a hidden radio button)."""
    return page.evaluate(
        """(selector) => {
          let element = document.querySelector(selector);
          if (element.classList.contains('btn-check')) element = element.nextElementSibling;
          const style = getComputedStyle(element);
          return style.outlineStyle === 'none' ? '' : style.outlineWidth;
        }""",
        selector,
    )


def test_a_member_votes_with_the_keyboard_alone(browser, live_server, world):
    member = world["board"].mayor
    candidate = world["board"].candidates(0)[0]
    context = _context(browser, live_server, member.user, width=1280, height=900)
    page = context.new_page()
    page.goto(reverse("allocation:vote", args=[world["board"].session.pk]))

    _tab_to(page, "a")  # the skip link comes first and is visible when focused
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert _focus_ring(page, ".skip-link")

    attribution = f"#choice-{candidate.pk}-a"
    _tab_to(page, attribution)
    assert re.fullmatch(r"[2-9](\.\d+)?px", _focus_ring(page, attribution))
    page.keyboard.press("Space")
    _tab_to(page, f"#rank-{candidate.pk}")
    page.keyboard.press("ArrowDown")
    _tab_to(page, f"#save-{candidate.pk}")
    assert _focus_ring(page, f"#save-{candidate.pk}")
    page.keyboard.press("Enter")

    card = page.locator(f"#candidate-{candidate.pk}")
    expect(card.get_by_test_id("my-position")).to_contain_text(tr("saved"))
    # htmx swapped the card and gave the focus back to the button: the next Tab goes on.
    assert page.evaluate("() => document.activeElement.id") == f"save-{candidate.pk}"
    context.close()
    position = Position.objects.get(member=member, candidate=candidate)
    assert (position.choice, position.rank) == ("attribution", 1)


def test_the_api_docs_work_under_the_content_security_policy(browser, live_server, world):
    context = _context(browser, live_server, world["director"], width=1280, height=900)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    response = page.goto("/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    violations = page.evaluate("() => window.__cspViolations")
    context.close()
    assert violations == []
