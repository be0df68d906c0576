"""Done when (issue 11): a broadcast to one building's tenants aged 70 and over goes out by
e-mail (read from the local SMTP server), by SMS (file backend) and as letters (PDF with the
address in the window position, checked with pdftotext's bounding boxes), according to each
tenant's preference — written, previewed and sent in a real browser, at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role

from ..factories import MembershipFactory, UserFactory
from ..messaging import conftest as messaging_fixtures
from ..messaging.test_channels import address_words_inside
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
world = messaging_fixtures.world  # the building and its tenants


def test_a_broadcast_reaches_each_tenant_by_their_channel(
    new_page,
    world,
    smtp_server,
    settings,
    tmp_path,
):
    settings.RELAIS_SMS_FILE_PATH = tmp_path / "sms"
    user = UserFactory(username="directrice")
    MembershipFactory(user=user, organisation=world.organisation, role=Role.DIRECTOR)

    page = new_page(width=1280, height=900)
    _login(page, "directrice")
    page.goto("/diffusions/")
    page.locator("a[href='/diffusions/nouvelle/']").first.click()
    page.fill("#id_title", "Coupure d'eau mardi")
    page.select_option("#id_segment", "building")
    page.fill("#id_value", "B-NORD-1")
    page.fill("#id_age_band", "70+")
    page.fill("#id_subject", "Coupure d'eau : {adresse}")
    page.fill("#id_body", "Bonjour {nom},\nL'eau sera coupée mardi de 9 h à 12 h.")
    page.fill("#id_sms_body", "Bonjour {nom}, eau coupée mardi 9 h-12 h. Infos : {lien_avis}")
    page.locator("form.relais-card button[type=submit]").click()

    expect(page.get_by_test_id("count-email")).to_have_text("2")
    expect(page.get_by_test_id("count-sms")).to_have_text("1")
    expect(page.get_by_test_id("count-letter")).to_have_text("1")
    expect(page.get_by_test_id("preview")).to_contain_text("Jeanne Moreau")
    expect(page.get_by_test_id("sms-parts")).to_contain_text("1 SMS")
    page.locator("form[action$='/envoyer/'] button").click()

    expect(page.get_by_test_id("letters-pdf")).to_be_visible()
    expect(page.get_by_test_id("progress")).to_contain_text("3")
    received = {message["To"] for message in smtp_server.messages}
    assert received == {"jeanne.moreau@example.fr", "marc.roux@example.fr"}
    [sms] = list((tmp_path / "sms").iterdir())
    assert "To: +33698765432" in sms.read_text()

    with page.expect_download() as download:
        page.get_by_test_id("letters-pdf").click()
    pdf = tmp_path / "letters.pdf"
    download.value.save_as(pdf)
    address_words_inside(pdf.read_bytes(), tmp_path, "dl", {"Louise", "Petit", "TOURS"})

    narrow = new_page(width=390, height=844)
    _login(narrow, "directrice")
    narrow.goto(page.url)
    scroll = narrow.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390, f"the page scrolls sideways at 390 px ({scroll})"
