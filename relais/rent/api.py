"""JSON API of rent (mounted under /api/v1/rent): tenants' balances (list) and a lease's ledger
(read only). Amounts are integer cents. The housing benefit paid to the landlord appears on a
ledger's calls only for keys whose role has ``lease.view_benefit`` (null otherwise)."""

import datetime as dt
from typing import Annotated

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Path, Query, Router, Schema
from ninja.pagination import paginate

from relais.api.auth import require_ability
from relais.api.pagination import Pagination
from relais.api.schemas import ERRORS
from relais.housing.models import Lease

from . import selectors
from .models import Payment, RentCall

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
router = Router(tags=["rent"])


class BalanceOut(Schema):
    lease_id: int = Field(alias="id")
    reference: str
    household_id: int
    called_cents: int = Field(description="Every rent call of the lease, in cents.")
    paid_cents: int = Field(description="Every payment matched to the lease, in cents.")
    balance_cents: int = Field(description="Owed by the tenant (negative: a credit).")

    @staticmethod
    def resolve_balance_cents(obj) -> int:
        return obj.called_cents - obj.paid_cents


class BalanceFilter(FilterSchema):
    in_debt: bool | None = Field(None, description="Only leases that owe something.")


class LedgerLineOut(Schema):
    date: dt.date
    kind: str = Field(description='"call" (a month\'s rent) or "payment".')
    debit_cents: int
    credit_cents: int
    balance_cents: int
    month: dt.date | None = Field(description="The month of a call.")
    benefit_cents: int | None = Field(
        description="Housing benefit paid to the landlord on a call: only for keys allowed "
        "to see it (lease.view_benefit), null otherwise."
    )
    method: str | None = Field(description="How a payment was made.")


class LedgerOut(Schema):
    lease_id: int
    reference: str
    balance_cents: int
    lines: list[LedgerLineOut]


def _sum(queryset, column):
    total = (
        queryset.filter(lease=OuterRef("pk"))
        .order_by()
        .values("lease")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


@router.get("/balances", response={200: list[BalanceOut], **ERRORS})
@paginate(Pagination)
def balances(request, filters: Query[BalanceFilter]):
    require_ability(request, "rent.view")
    leases = (
        Lease.objects.for_organisation(request.organisation)
        .annotate(
            called_cents=_sum(RentCall.objects.all(), "amount_cents"),
            paid_cents=_sum(Payment.objects.all(), "amount_cents"),
        )
        .order_by("reference", "pk")
    )
    if filters.in_debt:
        leases = leases.filter(called_cents__gt=F("paid_cents"))
    return leases


@router.get("/ledgers/{id}", response={200: LedgerOut, **ERRORS})
def ledger(request, id: Id):
    require_ability(request, "rent.view")
    lease = get_object_or_404(Lease.objects.for_organisation(request.organisation), pk=id)
    benefit = bool(request.abilities.get("lease.view_benefit"))
    lines = selectors.ledger(lease)
    return {
        "lease_id": lease.pk,
        "reference": lease.reference,
        "balance_cents": lines[-1].balance_cents if lines else 0,
        "lines": [
            {
                "date": line.day,
                "kind": "call" if line.call else "payment",
                "debit_cents": line.debit_cents,
                "credit_cents": line.credit_cents,
                "balance_cents": line.balance_cents,
                "month": line.call.month if line.call else None,
                "benefit_cents": line.call.benefit_cents if line.call and benefit else None,
                "method": line.payment.method if line.payment else None,
            }
            for line in lines
        ],
    }
