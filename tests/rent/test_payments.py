"""Payments: manual entry, bank statements (camt.053 and CSV), matching, oldest debt first."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from relais.rent import payments
from relais.rent.collection import lease_balance
from relais.rent.models import Mandate, Method, Payment, RentCall, RentRun
from relais.rent.run import rent_run_execute

from .bank import camt053
from .conftest import MONTH

pytestmark = pytest.mark.django_db


def _call(organisation, lease, month, amount):
    return RentCall.objects.create(
        organisation=organisation,
        lease=lease,
        month=month,
        days=30,
        month_days=30,
        rent_cents=amount,
        charges_cents=0,
        benefit_cents=0,
        rls_cents=0,
        amount_cents=amount,
    )


def test_a_payment_goes_to_the_oldest_debt_first(organisation, leases, accountant):
    lease = leases["BAIL-A"]
    october = _call(organisation, lease, dt.date(2026, 10, 1), 33_000)
    november = _call(organisation, lease, MONTH, 33_000)
    payments.payment_record(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        amount_cents=40_000,
        received_on=dt.date(2026, 11, 20),
        method=Method.CASH,
    )
    october.refresh_from_db()
    november.refresh_from_db()
    assert (october.paid_cents, november.paid_cents) == (33_000, 7_000)
    assert lease_balance(lease.pk) == 26_000


def test_a_credit_goes_to_the_call_the_run_issues(organisation, leases, accountant):
    lease = leases["BAIL-A"]
    payments.payment_record(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        amount_cents=10_000,
        received_on=dt.date(2026, 10, 20),
        method=Method.CHEQUE,
    )
    assert payments.leases_with_credit(organisation.pk) == [lease.pk]
    rent_run_execute(RentRun.objects.create(organisation=organisation, month=MONTH).pk)
    call = RentCall.objects.get(lease=lease)
    assert (call.amount_cents, call.paid_cents) == (33_000, 10_000)
    assert payments.leases_with_credit(organisation.pk) == []


def test_camt053_import_matches_by_reference_and_mandate(organisation, leases, accountant):
    Mandate.objects.create(
        organisation=organisation,
        lease=leases["BAIL-B"],
        reference="MDT-7",
        signed_on=dt.date(2026, 11, 16),
        debtor_name="X",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    data = camt053(
        [
            ("330.00", "LOYER NOVEMBRE BAIL-A", "MARTIN JEANNE", ""),
            ("165.00", "PRLV LOYER", "DUPONT", "MDT-7"),
            ("110.00", "VIREMENT LOYER", "M OU MME DURAND", ""),
        ]
    )
    statement = payments.statement_import(
        organisation=organisation, actor=accountant, filename="releve.xml", data=data
    )
    assert (statement.kind, statement.lines, statement.matched) == ("camt", 3, 2)
    by_lease = {p.lease.reference if p.lease else None: p for p in Payment.objects.all()}
    assert by_lease["BAIL-A"].amount_cents == 33_000
    assert by_lease["BAIL-B"].method == Method.DIRECT_DEBIT
    unmatched = by_lease[None]
    assert unmatched.payer == "M OU MME DURAND"
    payments.payment_match(
        organisation=organisation, actor=accountant, payment=unmatched, lease=leases["BAIL-C"]
    )
    assert Payment.objects.filter(lease__isnull=True).count() == 0
    with pytest.raises(ValidationError, match="déjà rapproché|already matched"):
        payments.payment_match(
            organisation=organisation, actor=accountant, payment=unmatched, lease=leases["BAIL-A"]
        )


def test_the_same_statement_twice_is_refused(organisation, leases, accountant):
    data = camt053([("330.00", "BAIL-A", "MARTIN", "")])
    payments.statement_import(
        organisation=organisation, actor=accountant, filename="a.xml", data=data
    )
    with pytest.raises(ValidationError):
        payments.statement_import(
            organisation=organisation, actor=accountant, filename="b.xml", data=data
        )
    assert Payment.objects.count() == 1


def test_csv_statement_and_its_errors(organisation, leases, accountant):
    good = (
        "date;montant;libellé;émetteur\n30/11/2026;330,00;VIR BAIL-A NOV;MARTIN\n"
        "30/11/2026;-12,00;FRAIS;BANQUE\n"
    )
    statement = payments.statement_import(
        organisation=organisation, actor=accountant, filename="releve.csv", data=good.encode()
    )
    assert (statement.kind, statement.lines, statement.matched) == ("csv", 1, 1)
    bad = "date;montant;libellé\n30/11/2026;trois cents;VIR BAIL-A\n"
    with pytest.raises(ValidationError) as error:
        payments.statement_import(
            organisation=organisation, actor=accountant, filename="bad.csv", data=bad.encode()
        )
    assert "2" in str(error.value) and "trois cents" in str(error.value)
    missing = "date;libellé\n30/11/2026;VIR\n"
    with pytest.raises(ValidationError, match="montant"):
        payments.statement_import(
            organisation=organisation, actor=accountant, filename="m.csv", data=missing.encode()
        )
    assert Payment.objects.count() == 1


def test_a_broken_camt_file_is_refused_naming_the_entry(organisation, accountant):
    data = camt053([("12,50", "X", "Y", "")])
    with pytest.raises(ValidationError, match="1"):
        payments.statement_import(
            organisation=organisation, actor=accountant, filename="x.xml", data=data
        )
