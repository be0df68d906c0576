"""The rent ledger writes « Loyer d’avril 2026 », « Loyer de mai 2026 » (French elision)."""

import datetime as dt

import pytest
from django.urls import reverse

from relais.rent.models import RentCall

pytestmark = pytest.mark.django_db


def test_ledger_elides_de_before_a_vowel(accountant_client, leases, organisation):
    lease = leases["BAIL-A"]
    for month in (dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 8, 1)):
        RentCall.objects.create(
            organisation=organisation,
            lease=lease,
            month=month,
            days=30,
            month_days=30,
            rent_cents=45_000,
            charges_cents=8_000,
            benefit_cents=0,
            rls_cents=0,
            amount_cents=53_000,
        )
    page = accountant_client.get(reverse("rent:lease", args=[lease.pk])).content.decode()
    assert "Loyer d’avril 2026" in page and "Loyer d’août 2026" in page
    assert "Loyer de mai 2026" in page
    assert "Loyer de avril" not in page
