"""The outbox page in a real browser at 390 px: a customer officer finds the failed message
from the home page's link, filters on failures, sends it again, and the local SMTP server
receives it."""

import re

import pytest
from playwright.sync_api import expect

from relais.core.outbox import OutboxMessage, OutboxStatus, queue_message
from relais.core.outbox.purposes import register_purpose
from relais.core.roles import Role

from ..factories import HouseholdFactory, MembershipFactory, OrganisationFactory, UserFactory
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
register_purpose("tests.browser_notice", "Suivi d'une demande d'intervention")


def _messages(organisation):
    household = HouseholdFactory(organisation=organisation, name="Famille Lefèvre")
    values = {"organisation": organisation, "purpose": "tests.browser_notice", "body": "Bonjour"}
    failed = queue_message(
        channel="email",
        to="jeanne.lefevre@exemple-tres-long-domaine.fr",
        subject="Votre demande n° 2026-00042 : intervention planifiée",
        household=household,
        **values,
    )
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxStatus.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: timed out",
        error_kind="unreachable",
    )
    sent = queue_message(channel="sms", to="06 12 34 56 78", subject="", **values)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT, attempts=1)
    return failed


def test_a_customer_officer_sends_a_failed_message_again(new_page, smtp_server, tmp_path):
    organisation = OrganisationFactory(name="Tours Habitat")
    user = UserFactory(username="conseillere")
    MembershipFactory(user=user, organisation=organisation, role=Role.CUSTOMER_OFFICER)
    failed = _messages(organisation)

    for width in (1280, 390):
        page = new_page(width=width, height=844)
        _login(page, "conseillere")
        page.get_by_role("link", name="Messages envoyés").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Messages envoyés")
        expect(page.get_by_test_id("outbox-row")).to_have_count(2)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the page scrolls sideways at {width} px ({scroll})"
        page.screenshot(path=str(tmp_path / f"outbox-{width}.png"), full_page=True)

    page.get_by_label("Statut").select_option(label="Échec")
    expect(page.get_by_test_id("outbox-row")).to_have_count(1)
    row = page.get_by_test_id("outbox-row")
    expect(row).to_contain_text("Suivi d'une demande d'intervention")
    expect(row.get_by_test_id("status")).to_have_text("Échec")
    received = len(smtp_server.messages)  # queuing above delivered once (autocommit)
    row.get_by_role("button", name=re.compile("^Renvoyer — Suivi d'une demande")).click()
    expect(page.get_by_text(re.compile("remis en file"))).to_be_visible()
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT
    assert [m["To"] for m in smtp_server.messages[received:]] == [failed.to]
