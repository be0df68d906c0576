"""In a real browser: a Factur-X invoice is uploaded by the accountant and read, approved by
the technician, then by a second technician on behalf of the absent manager (a delegation
recorded by the manager), paid in a pain.001 file that validates against its XSD, and marked
paid from a camt.054 notification. Also the payables pages at phone width.

Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree
from playwright.sync_api import expect
from sepaxml.validation import try_valid_xml

from relais.payables import payments
from relais.payables.models import Invoice, Status

from ..payables.conftest import landlord, people, supplier, work_order  # noqa: F401 (fixtures)
from ..payables.einvoices import camt054, facturx_pdf
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    where = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _approve_from_home(page, label):
    page.goto("/")
    card = page.get_by_test_id("card-payables.to_approve")
    card.get_by_role("link", name=label).click()
    page.get_by_role("button", name="Approuver").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "approuvée"
    )


LABEL = "Plomberie Martin – F-2026-0042"


def _upload(page, tmp_path, shots):
    invoice_file = tmp_path / "facture.pdf"
    invoice_file.write_bytes(
        facturx_pdf(
            number="F-2026-0042",
            order="DI-2026-000042",
            net="10000.00",
            vat="2000.00",
            gross="12000.00",
            rate="20",
        )
    )
    page.goto("/factures/recevoir/")
    page.set_input_files('input[name="file"]', str(invoice_file))
    page.get_by_role("button", name="Lire et enregistrer").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("En attente d’approbation")
    expect(page.get_by_test_id("invoice-gross")).to_have_text(re.compile(r"12\s000,00\s€"))
    page.screenshot(path=shots / "payables-invoice-read.png", full_page=True)


def _delegate_to_tina(page, today):
    page.goto("/factures/delegations/")
    page.select_option('select[name="delegate"]', label="Tina Roux")
    page.fill('input[name="starts_on"]', today.isoformat())
    page.fill('input[name="ends_on"]', (today + dt.timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Enregistrer la délégation").click()
    expect(page.get_by_role("cell", name="Tina Roux")).to_be_visible()


def _approve_by_delegation(page, shots):
    page.goto("/")
    card = page.get_by_test_id("card-payables.to_approve")
    expect(card).to_contain_text("par délégation pour Marie Durand")
    card.get_by_role("link", name=LABEL).click()
    expect(page.get_by_text("Vous décidez pour le compte de Marie Durand")).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Approuver").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("Approuvée, à payer")
    page.screenshot(path=shots / "payables-approved-by-delegation-390.png", full_page=True)


def _pay(page, invoice, today) -> None:
    page.goto("/factures/paiements/")
    page.fill('input[name="due_by"]', (today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Créer le fichier de virements").click()
    with page.expect_download() as download:
        page.get_by_test_id("pain001").click()
    xml = Path(download.value.path()).read_bytes()
    assert payments.validate_pain001(xml) == []
    try_valid_xml(xml, "pain.001.001.03")  # sepaxml's own check, against its bundled XSD
    root = etree.fromstring(xml)
    assert [n.text for n in root.iter("{*}EndToEndId")] == [f"RLS{invoice.pk}"]
    assert root.findtext(".//{*}CdtTrfTxInf/{*}Amt/{*}InstdAmt") == "12000.00"


def _mark_paid_from_camt054(page, invoice, today, tmp_path, shots):
    statement = tmp_path / "camt054.xml"
    statement.write_bytes(camt054([(f"RLS{invoice.pk}", 1_200_000)], booked_on=today))
    page.goto("/factures/releves/")
    page.set_input_files('input[name="file"]', str(statement))
    page.get_by_role("button", name="Importer le relevé").click()
    result = page.get_by_test_id("statement-result")
    expect(result).to_contain_text("1 facture marquée payée.")
    result.get_by_role("link", name="F-2026-0042").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("Payée")
    page.screenshot(path=shots / "payables-paid.png", full_page=True)


def test_facturx_invoice_from_upload_to_paid(
    new_page,
    landlord,  # noqa: F811 (the payables fixtures, imported)
    people,  # noqa: F811
    supplier,  # noqa: F811
    work_order,  # noqa: F811
    tmp_path,
):
    shots = _shots(tmp_path)
    today = timezone.localdate()
    accountant = new_page()
    _login(accountant, "pay-accountant")
    _upload(accountant, tmp_path, shots)
    invoice = Invoice.objects.get(number="F-2026-0042")
    assert (invoice.source, invoice.work_order_id, invoice.levels) == (
        "facturx",
        work_order.pk,
        ["technician", "manager"],
    )
    technician = new_page()
    _login(technician, "pay-technician")
    _approve_from_home(technician, LABEL)
    manager = new_page()
    _login(manager, "pay-manager")
    _delegate_to_tina(manager, today)
    delegate = new_page(390, 844)
    _login(delegate, "pay-technician2")
    _approve_by_delegation(delegate, shots)
    _pay(accountant, invoice, today)
    _mark_paid_from_camt054(accountant, invoice, today, tmp_path, shots)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == (Status.PAID, today)
    decisions = list(
        invoice.approvals.order_by("at").values_list("actor__username", "on_behalf_of__username")
    )
    assert decisions == [("pay-technician", None), ("pay-technician2", "pay-manager")]


def test_payables_pages_at_phone_width(new_page, landlord, people, supplier, tmp_path):  # noqa: F811
    shots = _shots(tmp_path)
    page = new_page(390, 844)
    _login(page, "pay-accountant")
    for name, url in (
        ("invoices", "/factures/"),
        ("upload", "/factures/recevoir/"),
        ("key", "/factures/saisir/"),
        ("suppliers", "/factures/fournisseurs/"),
        ("runs", "/factures/paiements/"),
        ("dashboard", "/factures/tableau-de-bord/"),
    ):
        page.goto(url)
        page.screenshot(path=shots / f"payables-{name}-390.png", full_page=True)
        _no_sideways_scroll(page)
