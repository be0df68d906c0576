"""Intake: Factur-X, CII and UBL read; keyed PDFs; duplicates and totals mismatches refused
with nothing written; matching with the work order and its completion."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from relais.core.models import AuditEvent
from relais.interventions.models import WorkOrderStatus
from relais.payables import services
from relais.payables.einvoice import InvoiceFileError, NotAnEInvoice, read_invoice_file
from relais.payables.models import Invoice, Status

from . import einvoices

pytestmark = pytest.mark.usefixtures("in_english")

RECEIVED = dt.date(2026, 11, 23)


def _upload(landlord, actor, content: bytes, name="facture.pdf"):
    return services.invoice_from_file(
        organisation=landlord,
        actor=actor,
        upload=SimpleUploadedFile(name, content),
        received_on=RECEIVED,
    )


@pytest.mark.parametrize(
    ("build", "source"),
    [(einvoices.facturx_pdf, "facturx"), (einvoices.cii_xml, "cii"), (einvoices.ubl_xml, "ubl")],
)
def test_each_format_is_read_into_the_same_invoice(build, source):
    parsed = read_invoice_file(
        build(order="DI-2026-000042", net="1234.50", vat="246.90", gross="1481.40", rate="20")
    )
    assert parsed.source == source
    assert (parsed.number, parsed.issue_date, parsed.seller_siren) == (
        "F-2026-0042",
        dt.date(2026, 11, 20),
        einvoices.SELLER_SIREN,
    )
    assert (parsed.net_cents, parsed.vat_cents, parsed.gross_cents) == (123_450, 24_690, 148_140)
    assert parsed.order_reference == "DI-2026-000042"
    assert [(line.net_cents, line.vat_rate_bp) for line in parsed.lines] == [(123_450, 2000)]
    assert parsed.iban == einvoices.SELLER_IBAN


def test_a_plain_pdf_is_to_key_and_garbage_is_refused():
    with pytest.raises(NotAnEInvoice):
        read_invoice_file(einvoices.plain_pdf())
    with pytest.raises(InvoiceFileError, match="neither a PDF nor an XML"):
        read_invoice_file(b"hello")
    with pytest.raises(InvoiceFileError, match="not an invoice"):
        read_invoice_file(b"<html><body>no</body></html>")


def test_facturx_upload_matched_to_its_completed_work_order(landlord, people, supplier, work_order):
    invoice = _upload(landlord, people["accountant"], einvoices.facturx_pdf(order="DI-2026-000042"))
    assert invoice.status == Status.PENDING
    assert invoice.work_order == work_order
    assert invoice.next_level == "technician" and invoice.levels == ["technician"]
    # public buyer: 30 days from receipt
    assert invoice.due_on == RECEIVED + dt.timedelta(days=30)
    with invoice.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert AuditEvent.objects.filter(action="invoice.received", object_id=str(invoice.pk)).exists()


def test_duplicate_refused_and_nothing_written(landlord, people, supplier):
    _upload(landlord, people["accountant"], einvoices.cii_xml(), "f.xml")
    with pytest.raises(services.InvoiceRefused, match="already recorded"):
        _upload(landlord, people["accountant"], einvoices.ubl_xml(), "f.xml")
    assert Invoice.objects.filter(organisation=landlord).count() == 1


def test_totals_mismatch_refused_and_nothing_written(landlord, people, supplier):
    with pytest.raises(services.InvoiceRefused, match="do not add up") as refused:
        _upload(landlord, people["accountant"], einvoices.cii_xml(gross="1200.00"), "f.xml")
    assert re.search(r"makes 1\W100\W00\W€, the invoice says 1\W200\W00", str(refused.value))
    with pytest.raises(services.InvoiceRefused, match="lines add up"):
        data = services.NewInvoice(
            supplier=supplier,
            number="K-1",
            source="keyed",
            issue_date=RECEIVED,
            received_on=RECEIVED,
            net_cents=100_000,
            vat_cents=20_000,
            gross_cents=120_000,
            lines=[services.ParsedLine("a", 90_000, 2000)],
        )
        services.invoice_create(organisation=landlord, actor=people["accountant"], data=data)
    assert not Invoice.objects.filter(organisation=landlord).exists()


def test_unknown_supplier_refused(landlord, people, supplier):
    with pytest.raises(services.InvoiceRefused, match="No supplier with SIREN 732829320"):
        _upload(landlord, people["accountant"], einvoices.cii_xml(siren="732829320"), "f.xml")


def test_work_order_not_completed_holds_until_checked_again(landlord, people, supplier, work_order):
    work_order.status = WorkOrderStatus.SCHEDULED
    work_order.save()
    invoice = _upload(
        landlord, people["accountant"], einvoices.cii_xml(order=f"BC-{work_order.pk}"), "f.xml"
    )
    assert invoice.status == Status.HELD
    assert "not completed" in invoice.hold_reason
    assert invoice.next_level == ""
    again = services.invoice_recheck(
        organisation=landlord, actor=people["accountant"], invoice=invoice
    )
    assert again.status == Status.HELD
    work_order.status = WorkOrderStatus.COMPLETED
    work_order.save()
    again = services.invoice_recheck(
        organisation=landlord, actor=people["accountant"], invoice=invoice
    )
    assert (again.status, again.hold_reason, again.next_level) == (Status.PENDING, "", "technician")


def test_unknown_reference_holds(landlord, people, supplier):
    invoice = _upload(
        landlord, people["accountant"], einvoices.cii_xml(order="DI-2026-999999"), "f.xml"
    )
    assert invoice.status == Status.HELD and "DI-2026-999999" in invoice.hold_reason


def test_keyed_invoice_without_reference_goes_to_approval(landlord, people, supplier):
    data = services.NewInvoice(
        supplier=supplier,
        number="K-7",
        source="keyed",
        issue_date=dt.date(2026, 11, 2),
        received_on=RECEIVED,
        net_cents=1_000_000,
        vat_cents=200_000,
        gross_cents=1_200_000,
    )
    invoice = services.invoice_create(organisation=landlord, actor=people["accountant"], data=data)
    assert invoice.status == Status.PENDING and invoice.levels == ["technician", "manager"]


def test_the_hourly_task_releases_invoices_whose_work_order_is_completed(
    landlord, people, supplier, work_order
):
    from relais.payables.tasks import release_held_invoices

    work_order.status = WorkOrderStatus.SCHEDULED
    work_order.save()
    invoice = _upload(
        landlord, people["accountant"], einvoices.cii_xml(order=f"BC-{work_order.pk}"), "f.xml"
    )
    assert release_held_invoices.call() == 0
    work_order.status = WorkOrderStatus.COMPLETED
    work_order.save()
    assert release_held_invoices.call() == 1
    invoice.refresh_from_db()
    assert invoice.status == Status.PENDING
    assert release_held_invoices.call() == 0


def test_a_work_order_of_another_contractor_holds(landlord, people, work_order):
    from relais.interventions.models import Contractor
    from relais.payables.models import Supplier

    other = Contractor.objects.create(organisation=landlord, name="Autre", siren="732829320")
    supplier = Supplier.objects.create(
        organisation=landlord,
        name="Autre",
        siren=einvoices.SELLER_SIREN,
        iban=einvoices.SELLER_IBAN,
        contractor=other,
    )
    invoice = _upload(
        landlord, people["accountant"], einvoices.cii_xml(order=f"BC-{work_order.pk}"), "f.xml"
    )
    assert invoice.supplier == supplier
    assert invoice.status == Status.HELD and "Plomberie Martin" in invoice.hold_reason
