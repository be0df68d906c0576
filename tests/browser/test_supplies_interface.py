"""The interface rules (width at 390 px, axe-core, CSP, page header, footer) on every supplies
page, for a manager and a federation analyst, with the matrix's sample objects."""

import pytest
from django.urls import NoReverseMatch

from relais.core.roles import Role

from ..factories import MembershipFactory, OrganisationFactory
from ..supplies.pages_supplies import PAGES, world
from ..test_authorisation_matrix import _url
from .crawl import CSP_LISTENER, PHONE, CrawlReport, check_page, log_in, summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.FEDERATION_ANALYST])
def test_supplies_pages_follow_the_interface_rules(browser, live_server, role):
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    objects = world(organisation, "Lefevre", {})
    user = MembershipFactory(organisation=organisation, role=role).user
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-FR")
    context.set_default_timeout(15_000)
    log_in(context, live_server.url, user)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    report = CrawlReport()
    opened = 0
    try:
        for name, (_ability, spec) in sorted(PAGES.items()):
            try:
                path = _url(name, spec, objects)
            except NoReverseMatch:  # pragma: no cover
                continue
            response = page.goto(live_server.url + path)
            if response.status != 200:
                continue  # refused to this role: the matrix tests it
            check_page(page, path, name, report)
            opened += 1
    finally:
        context.close()
    assert opened >= (3 if role == Role.FEDERATION_ANALYST else 12)
    assert not report.problems, summary(report)
