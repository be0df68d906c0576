"""Rent's part of the demo: twelve months of calls and payments, arrears, cash payers,
unmatched payments and plans, consistent with the ledgers; and the reset."""

import pytest
from django.db.models import F, Sum

from relais.housing.demo import seed_demo
from relais.rent import selectors
from relais.rent.models import (
    CollectionStep,
    Method,
    Payment,
    PaymentAllocation,
    PaymentPlan,
    RentCall,
    RentSettings,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_rent_and_resets():
    seed_demo(scale="tiny", seed=3)
    calls = RentCall.objects.all()
    assert calls.values("month").distinct().count() == 12
    assert not calls.filter(paid_cents__gt=F("amount_cents")).exists()
    paid = Payment.objects.filter(lease__isnull=False).aggregate(s=Sum("amount_cents"))["s"]
    allocated = PaymentAllocation.objects.aggregate(s=Sum("amount_cents"))["s"]
    assert paid == allocated == calls.aggregate(s=Sum("paid_cents"))["s"]
    leases = calls.values("lease").distinct().count()
    in_debt = calls.filter(paid_cents__lt=F("amount_cents")).values("lease").distinct().count()
    assert 0.12 <= in_debt / leases <= 0.25  # arrears and the cash payers who stopped
    assert Payment.objects.filter(method=Method.CASH).exists()
    assert Payment.objects.filter(lease__isnull=True).count() == 30  # 15 per landlord
    assert CollectionStep.objects.exists() and PaymentPlan.objects.exists()
    organisation = calls.first().organisation
    assert selectors.plans_with_missed(organisation).exists()
    assert RentSettings.objects.get(organisation=organisation).creditor_id.startswith("FR")
    before = (calls.count(), Payment.objects.count())
    seed_demo(scale="tiny", seed=3, reset=True)
    assert (calls.count(), Payment.objects.count()) == before
