"""Notices and receipts: Typst PDFs, one per call, a batch split into a ZIP."""

import io
import zipfile

import pytest
from pypdf import PdfReader

from relais.rent import notices
from relais.rent.models import RentCall

from .conftest import MONTH

pytestmark = pytest.mark.django_db


def _calls(organisation, leases):
    made = []
    for ref, days, paid in (("BAIL-A", 30, 33_000), ("BAIL-B", 15, 0)):
        made.append(
            RentCall.objects.create(
                organisation=organisation,
                lease=leases[ref],
                month=MONTH,
                days=days,
                month_days=30,
                rent_cents=45_000 * days // 30,
                charges_cents=8_000 * days // 30,
                benefit_cents=20_000 * days // 30,
                rls_cents=0,
                amount_cents=33_000 * days // 30,
                paid_cents=paid,
            )
        )
    return notices.calls_for_print(RentCall.objects.filter(pk__in=[c.pk for c in made]))


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_notice_shows_the_lines_and_the_pro_rata(organisation, leases):
    calls = list(_calls(organisation, leases))
    text = _text(notices.render_batch(organisation, [calls[1]]))
    assert "Avis d'échéance" in text or "Avis d’échéance" in text
    assert "15 jours sur 30" in text
    assert "225,00" in text and "−100,00" in text and "165,00" in text
    receipt = _text(notices.render_batch(organisation, [calls[0]], "receipt"))
    assert "Quittance de loyer" in receipt and "330,00" in receipt


def test_a_batch_becomes_one_pdf_per_lease_in_a_zip(organisation, leases):
    data = notices.batch_zip(organisation, _calls(organisation, leases))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == ["BAIL-A-2026-11.pdf", "BAIL-B-2026-11.pdf"]
        one = archive.read("BAIL-B-2026-11.pdf")
    assert len(PdfReader(io.BytesIO(one)).pages) == 1
    assert "BAIL-B" in _text(one)


def test_money_in_french():
    assert notices.money_fr(123456) == "1\u202f234,56\u00a0€"
    assert notices.money_fr(-5) == "−0,05\u00a0€"
