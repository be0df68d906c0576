"""The pain.008 direct-debit file: built for mandated leases and valid against its XSD."""

import datetime as dt
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.exceptions import ValidationError
from lxml import etree

from relais.rent.models import Mandate, RentCall, RentSettings
from relais.rent.sepa import SCHEMA, direct_debit_file

from .conftest import MONTH

pytestmark = pytest.mark.django_db
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}


@pytest.fixture
def creditor(organisation):
    return RentSettings.objects.create(
        organisation=organisation,
        creditor_name="Tours Habitat",
        creditor_iban="FR7630001007941234567890185",
        creditor_bic="BDFEFRPPCCT",
        creditor_id="FR72ZZZ123456",
    )


def _call(organisation, lease, amount, paid=0):
    RentCall.objects.create(
        organisation=organisation,
        lease=lease,
        month=MONTH,
        days=30,
        month_days=30,
        rent_cents=amount,
        charges_cents=0,
        benefit_cents=0,
        rls_cents=0,
        amount_cents=amount,
        paid_cents=paid,
    )


def test_the_pain008_file_is_valid_against_its_xsd(organisation, leases, creditor, accountant):
    for ref, mandate, first in (("BAIL-A", "MDT-A", False), ("BAIL-B", "MDT-B", True)):
        Mandate.objects.create(
            organisation=organisation,
            lease=leases[ref],
            reference=mandate,
            signed_on=dt.date(2025, 6, 1),
            debtor_name=f"Locataire {ref}",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            first_collected=first,
        )
    _call(organisation, leases["BAIL-A"], 33_000)
    _call(organisation, leases["BAIL-B"], 16_500, paid=500)
    _call(organisation, leases["BAIL-C"], 11_000)  # no mandate: not collected
    xml = direct_debit_file(
        organisation=organisation, actor=accountant, month=MONTH, collect_on=dt.date(2026, 11, 5)
    )
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())  # raises if invalid
    tree = etree.fromstring(xml)
    debits = tree.findall(".//p:DrctDbtTxInf", NS)
    assert sorted(d.findtext(".//p:MndtId", namespaces=NS) for d in debits) == ["MDT-A", "MDT-B"]
    amounts = sorted(d.find("p:InstdAmt", NS).text for d in debits)
    assert amounts == ["160.00", "330.00"]
    assert tree.findtext(".//p:CtrlSum", namespaces=NS) == "490.00"
    sequences = {p.findtext(".//p:SeqTp", namespaces=NS) for p in tree.findall(".//p:PmtInf", NS)}
    assert sequences == {"FRST", "RCUR"}
    assert tree.findtext(".//p:DtOfSgntr", namespaces=NS) == "2025-06-01"
    assert Mandate.objects.get(reference="MDT-A").first_collected


def test_no_creditor_or_nothing_to_collect_is_refused(organisation, leases, accountant):
    with pytest.raises(ValidationError, match="SEPA"):
        direct_debit_file(
            organisation=organisation,
            actor=accountant,
            month=MONTH,
            collect_on=dt.date(2026, 11, 5),
        )
    RentSettings.objects.filter(organisation=organisation).update(
        creditor_name="T",
        creditor_iban="FR7630001007941234567890185",
        creditor_bic="BDFEFRPPCCT",
        creditor_id="FR72ZZZ123456",
    )
    with pytest.raises(ValidationError):
        direct_debit_file(
            organisation=organisation,
            actor=accountant,
            month=MONTH,
            collect_on=dt.date(2026, 11, 5),
        )
