"""Bank statements read from camt.053/054 files: booked transactions, batches split, errors."""

import datetime as dt
from pathlib import Path

import pytest

from relais.core.bank.camt import StatementError, read_statement

FILES = Path(__file__).parent / "bank_files"


def test_camt053_booked_entries_split_into_their_transactions():
    statement = read_statement((FILES / "camt053.xml").read_bytes())
    assert statement.kind == "camt.053"
    assert statement.message_id == "STMT-2026-11-30"
    assert statement.account_iban == "FR7630001007941234567890185"
    # The pending entry is left out; the batch of two direct debits gives two transactions.
    assert [t.amount_cents for t in statement.transactions] == [45237, 70025, 80025]
    tenant = statement.transactions[0]
    assert tenant.direction == "credit"
    assert tenant.booking_date == dt.date(2026, 11, 30)
    assert tenant.counterparty_name == "MARTIN JEANNE"
    assert tenant.counterparty_iban == "FR7630006000011234567890189"
    assert tenant.remittance == "LOYER NOV BAIL L-000123"
    assert tenant.end_to_end_id == ""  # NOTPROVIDED means none
    assert tenant.entry_reference == "BQ-0001"
    batch = statement.transactions[1:]
    assert [t.mandate_id for t in batch] == ["MDT-1", "MDT-2"]
    assert {t.booking_date for t in batch} == {dt.date(2026, 11, 29)}
    assert {t.entry_number for t in batch} == {3}


def test_camt054_debit_of_a_supplier_payment():
    statement = read_statement((FILES / "camt054.xml").read_bytes())
    assert statement.kind == "camt.054"
    (debit,) = statement.transactions
    assert (debit.amount_cents, debit.direction) == (1248000, "debit")
    assert debit.payment_information_id == "RUN-2026-12-01"
    assert debit.end_to_end_id == "INV-2026-0042"
    assert debit.counterparty_name == "PLOMBERIE DU CHER"
    assert debit.remittance == "F-2026-118"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not xml at all", "pas un XML lisible"),
        (b"<Document><Other/></Document>", "pas un relevé camt.053"),
        (
            b'<!DOCTYPE d [<!ENTITY x "boom">]><Document>&x;</Document>',
            "entités XML interdites",
        ),
    ],
)
def test_files_that_are_not_statements_are_refused(data, message):
    with pytest.raises(StatementError, match=message):
        read_statement(data)


def _one_entry(amount="10.00", indicator="CRDT", currency="EUR", date="2026-11-30"):
    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Acct><Id><IBAN>FR76</IBAN></Id></Acct>"
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{date}</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt>"
        "</Document>"
    ).encode()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": "12,50"}, "Écriture n° 1: montant illisible « 12,50 »"),
        ({"amount": "1.005"}, "Écriture n° 1: montant invalide"),
        ({"amount": "-3.00"}, "Écriture n° 1: montant invalide"),
        ({"indicator": "X"}, "Écriture n° 1: sens"),
        ({"currency": "USD"}, "devise USD"),
        ({"date": "30/11/2026"}, "date illisible « 30/11/2026 »"),
    ],
)
def test_bad_values_name_the_entry(kwargs, message):
    with pytest.raises(StatementError, match=message):
        read_statement(_one_entry(**kwargs))


def test_an_entry_without_details_is_one_transaction():
    (only,) = read_statement(_one_entry(amount="0.01")).transactions
    assert (only.amount_cents, only.direction, only.entry_number) == (1, "credit", 1)
