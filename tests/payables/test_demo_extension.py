"""The demo seeds a supplier per contractor and invoices for completed work orders, in every
state; reset removes them."""

from relais.housing.demo.writer import BulkWriter
from relais.payables import delays
from relais.payables.demo_extension import PayablesDemo
from relais.payables.models import Invoice, Supplier, SupplierPaidMonth


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
    invoice.status, invoice.paid_on, invoice.delay_days = "paid", invoice.due_on, 30
    invoice.save()
    delays.rebuild(landlord.pk)  # as the seed does after its bulk insert
    assert SupplierPaidMonth.objects.get(organisation=landlord).paid == 1
    assert (
        invoice.work_order == work_order
        and invoice.gross_cents == invoice.net_cents + invoice.vat_cents
    )
    PayablesDemo().reset([landlord.pk])
    assert not Invoice.objects.filter(organisation=landlord).exists()
    assert not Supplier.objects.filter(organisation=landlord).exists()
    assert not SupplierPaidMonth.objects.filter(organisation=landlord).exists()


def test_the_demos_payer_is_the_landlord(landlord, work_order):
    """A supplier's bank shows the payer's name: the landlord's, not an account label."""
    from relais.payables.models import PayablesSettings

    PayablesSettings.objects.filter(organisation=landlord).delete()
    PayablesDemo().seed(organisation_ids=[landlord.pk], scale="tiny", seed=1, writer=BulkWriter())
    assert PayablesSettings.objects.get(organisation=landlord).debtor_name == landlord.name


def test_demo_suppliers_have_realistic_company_names():
    """Trial: « Plomberie A0 », « Électricité A1 » looked like placeholders."""
    from relais.payables.demo_extension import supplier_name

    assert supplier_name("Plomberie A0", 0) == "Plomberie Tourangelle SARL"
    assert supplier_name("Électricité A1", 1) == "Électricité du Val de Loire"
    from relais.interventions.demo_extension import TRADES

    names = {supplier_name(f"{TRADES[i % len(TRADES)]} A{i}", i) for i in range(500)}
    assert len(names) == 500
    assert supplier_name("Plomberie Martin", 3) == "Plomberie Martin"
