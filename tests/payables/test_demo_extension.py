"""The demo seeds a supplier per contractor and invoices for completed work orders, in every
state; reset removes them."""

from relais.housing.demo.writer import BulkWriter
from relais.payables.demo_extension import PayablesDemo
from relais.payables.models import Invoice, Supplier


def test_seed_and_reset(landlord, work_order):
    counts = PayablesDemo().seed(
        organisation_ids=[landlord.pk], scale="tiny", seed=1, writer=BulkWriter()
    )
    assert counts[landlord.pk] == {"suppliers": 1, "invoices": 1}
    supplier = Supplier.objects.get(organisation=landlord)
    assert (
        supplier.contractor == work_order.contractor
        and supplier.siren == work_order.contractor.siren
    )
    invoice = Invoice.objects.get(organisation=landlord)
    assert (
        invoice.work_order == work_order
        and invoice.gross_cents == invoice.net_cents + invoice.vat_cents
    )
    PayablesDemo().reset([landlord.pk])
    assert not Invoice.objects.filter(organisation=landlord).exists()
    assert not Supplier.objects.filter(organisation=landlord).exists()
