"""Payment runs (pain.001 valid against its XSD, small suppliers first, no invoice paid
twice) and statements (camt.054 marks paid, with late-payment interest; idempotent)."""

import datetime as dt

import pytest
from lxml import etree

from relais.payables import approvals, payments, services
from relais.payables.models import Invoice, Status, Supplier

from . import einvoices

pytestmark = pytest.mark.usefixtures("in_english")

TODAY = dt.date(2026, 12, 1)


def _approved(landlord, people, supplier, number, gross_cents, received_on=TODAY):
    vat = gross_cents // 6
    data = services.NewInvoice(
        supplier=supplier,
        number=number,
        source="keyed",
        issue_date=received_on,
        received_on=received_on,
        net_cents=gross_cents - vat,
        vat_cents=vat,
        gross_cents=gross_cents,
    )
    invoice = services.invoice_create(organisation=landlord, actor=people["accountant"], data=data)
    while invoice.status == Status.PENDING:
        invoice = approvals.invoice_approve(
            organisation=landlord, actor=people[invoice.next_level], invoice=invoice
        )
    return invoice


@pytest.fixture
def big_supplier(landlord):
    return Supplier.objects.create(
        organisation=landlord,
        name="Grand Groupe BTP",
        siren="732829320",
        iban="FR7630006000010001234567846",
        small_business=False,
    )


def test_run_pays_small_suppliers_first_in_a_valid_pain001(
    landlord, people, supplier, big_supplier
):
    first = _approved(
        landlord, people, big_supplier, "G-1", 300_000, received_on=dt.date(2026, 10, 1)
    )
    second = _approved(landlord, people, supplier, "P-1", 120_000)
    run = payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=TODAY,
        due_by=TODAY + dt.timedelta(days=60),
    )
    assert payments.validate_pain001(run.xml.encode()) == []
    root = etree.fromstring(run.xml.encode())
    e2e = [node.text for node in root.iter("{*}EndToEndId")]
    assert e2e == [f"RLS{second.pk}", f"RLS{first.pk}"]  # the small business first
    assert root.findtext(".//{*}GrpHdr/{*}CtrlSum") == "4200.00"
    # the file carries the run's id Relais shows (not sepaxml's own, on a 12-hour clock)
    assert run.message_id.startswith("RELAIS-")
    assert root.findtext(".//{*}GrpHdr/{*}MsgId") == run.message_id
    assert root.findtext(".//{*}PmtInf/{*}PmtInfId") == run.message_id
    assert run.payment_information_id == run.message_id
    assert (run.invoice_count, run.total_cents) == (2, 420_000)
    assert set(Invoice.objects.filter(payment_run=run).values_list("status", flat=True)) == {
        Status.IN_PAYMENT
    }
    with pytest.raises(payments.PaymentRunRefused, match="No approved invoice"):
        payments.payment_run_create(
            organisation=landlord,
            actor=people["accountant"],
            execution_date=TODAY,
            due_by=TODAY + dt.timedelta(days=60),
        )


def test_run_refused_without_the_account_paid_from(landlord, people, supplier):
    from relais.payables.models import PayablesSettings

    PayablesSettings.objects.filter(organisation=landlord).update(debtor_iban="")
    _approved(landlord, people, supplier, "P-1", 120_000)
    with pytest.raises(payments.PaymentRunRefused, match="account paid from"):
        payments.payment_run_create(
            organisation=landlord,
            actor=people["accountant"],
            execution_date=TODAY,
            due_by=TODAY + dt.timedelta(days=60),
        )


def test_camt054_marks_paid_with_the_late_payment_owed(landlord, people, supplier, big_supplier):
    late = _approved(landlord, people, supplier, "P-1", 1_200_000, received_on=dt.date(2026, 10, 1))
    on_time = _approved(landlord, people, big_supplier, "G-1", 300_000)
    run = payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=TODAY,
        due_by=TODAY + dt.timedelta(days=60),
    )
    statement = einvoices.camt054(
        [(f"RLS{late.pk}", 1_200_000), (f"RLS{on_time.pk}", 300_000), ("OTHER-1", 5_000)],
        booked_on=dt.date(2026, 11, 20),
    )
    result = payments.statement_import(
        organisation=landlord, actor=people["accountant"], data=statement
    )
    assert {i.pk for i in result.paid} == {late.pk, on_time.pk}
    assert len(result.unmatched) == 1 and "OTHER-1" in result.unmatched[0]
    late.refresh_from_db()
    # due 31 Oct (30 days from receipt on 1 Oct), paid 20 Nov: 20 days at 10.15 % on 12,000 €
    assert (late.status, late.paid_on, late.late_days) == (Status.PAID, dt.date(2026, 11, 20), 20)
    assert (late.interest_cents, late.indemnity_cents) == (6_674, 4_000)
    assert late.delay_days == 50  # received 1 Oct, paid 20 Nov
    on_time.refresh_from_db()
    assert (on_time.status, on_time.late_days, on_time.interest_cents) == (Status.PAID, 0, 0)
    again = payments.statement_import(
        organisation=landlord, actor=people["accountant"], data=statement
    )
    assert (len(again.paid), again.already_paid) == (0, 2)
    assert run.pk == late.payment_run_id


def test_a_batch_booked_without_details_pays_the_whole_run(
    landlord, people, supplier, big_supplier
):
    _approved(landlord, people, supplier, "P-1", 120_000)
    _approved(landlord, people, big_supplier, "G-1", 300_000)
    run = payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=TODAY,
        due_by=TODAY + dt.timedelta(days=60),
    )
    statement = einvoices.camt054(
        [], booked_on=TODAY, pmt_inf_id=run.payment_information_id, batch_total=420_000
    )
    result = payments.statement_import(
        organisation=landlord, actor=people["accountant"], data=statement
    )
    assert len(result.paid) == 2


def test_an_amount_that_differs_is_not_marked_paid(landlord, people, supplier):
    invoice = _approved(landlord, people, supplier, "P-1", 120_000)
    payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=TODAY,
        due_by=TODAY + dt.timedelta(days=60),
    )
    result = payments.statement_import(
        organisation=landlord,
        actor=people["accountant"],
        data=einvoices.camt054([(f"RLS{invoice.pk}", 100_000)], booked_on=TODAY),
    )
    assert not result.paid
    # the invoice number staff know, not the transfer's internal reference
    assert result.unmatched[0].startswith("entry 1: pays 1,000.00")
    assert "for invoice P-1 of Plomberie Martin, which is 1,200.00" in result.unmatched[0]
    assert "RLS" not in result.unmatched[0]
    invoice.refresh_from_db()
    assert invoice.status == Status.IN_PAYMENT


def test_a_debit_booked_in_the_future_is_refused_not_used_for_interest(landlord, people, supplier):
    invoice = _approved(landlord, people, supplier, "P-1", 120_000)
    payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=TODAY,
        due_by=TODAY + dt.timedelta(days=60),
    )
    future = dt.date.today() + dt.timedelta(days=400)
    result = payments.statement_import(
        organisation=landlord,
        actor=people["accountant"],
        data=einvoices.camt054([(f"RLS{invoice.pk}", 120_000)], booked_on=future),
    )
    assert not result.paid
    assert result.unmatched[0].startswith("entry 1: booked on ")
    assert "in the future" in result.unmatched[0]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.interest_cents) == (Status.IN_PAYMENT, 0)
