"""A lease's rent terms (``RentTerms``): the dated amounts the monthly run calls — base rent,
charges provision, housing benefit paid to the landlord (APL tiers payant, L351-1 CCH;
sensitive: ``lease.view_benefit``) and RLS (L442-2-1 CCH) — from a first of month until the
next row. Without a row the lease's own amounts apply (ADR 0041 §3).

Rules: terms start on a first of month that no rent call of the lease covers yet (a call
already made keeps its amounts: correct it with a payment or a credit, not by rewriting
terms); amounts are cents ≥ 0 and the net (rent + charges − APL − RLS) is never below 0.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from relais.core import audit

from .models import RentCall, RentTerms
from .notices import month_fr
from .rules import add_months

AMOUNTS = ("rent_cents", "charges_cents", "benefit_cents", "rls_cents")


def terms_of(lease) -> list[RentTerms]:
    """The lease's terms, newest first (one query)."""
    return list(RentTerms.objects.filter(lease=lease).order_by("-valid_from"))


def current_terms(lease, rows: list[RentTerms], today: dt.date) -> dict[str, int]:
    """The amounts in force on ``today``: the newest row on or before it, else the lease's."""
    for row in rows:
        if row.valid_from <= today:
            return {name: getattr(row, name) for name in AMOUNTS}
    return {
        "rent_cents": lease.rent_cents,
        "charges_cents": lease.charges_cents,
        "benefit_cents": lease.housing_benefit_cents,
        "rls_cents": 0,
    }


def last_called(lease) -> dt.date | None:
    """The latest month whose rent is called for ``lease`` (the first of it), or None."""
    return (
        RentCall.objects.filter(lease=lease).order_by("-month").values_list("month", flat=True)
    ).first()


def first_open(lease, today: dt.date) -> dt.date:
    """The first month new terms may start: after the last one called, not before this one."""
    called = last_called(lease)
    this_month = today.replace(day=1)
    return max(this_month, add_months(called, 1)) if called is not None else this_month


def _check(lease, valid_from: dt.date, amounts: dict[str, int]) -> None:
    errors = {}
    if valid_from.day != 1:
        errors["valid_from"] = _("Terms start on the first day of a month.")
    else:
        called = last_called(lease)
        if called is not None and valid_from <= called:
            errors["valid_from"] = _(
                "The rent of %(month)s is already called: new terms start after it."
            ) % {"month": month_fr(called)}
    for name, cents in amounts.items():
        if cents is None or cents < 0:
            errors[name] = _("Write an amount of 0 or more.")
    if not errors:
        net = (
            amounts["rent_cents"]
            + amounts["charges_cents"]
            - amounts["benefit_cents"]
            - amounts["rls_cents"]
        )
        if net < 0:
            errors["rls_cents"] = _(
                "The housing benefit and the RLS are more than the rent and charges."
            )
    if errors:
        raise ValidationError(errors)


def rent_terms_save(
    *,
    organisation,
    actor,
    lease,
    valid_from: dt.date,
    rent_cents: int,
    charges_cents: int,
    rls_cents: int,
    benefit_cents: int | None = None,
) -> RentTerms:
    """Write the terms of ``lease`` from ``valid_from`` (a new row, or the row of that month
    replaced). ``benefit_cents`` None (a person who may not see the APL) keeps the amount in
    force at that month. Raises ValidationError naming the field; audited with the amounts
    before and after (the APL's only as "changed", never its value)."""
    with transaction.atomic():
        rows = terms_of(lease)
        before = current_terms(lease, rows, valid_from)
        amounts = {
            "rent_cents": rent_cents,
            "charges_cents": charges_cents,
            "benefit_cents": before["benefit_cents"] if benefit_cents is None else benefit_cents,
            "rls_cents": rls_cents,
        }
        _check(lease, valid_from, amounts)
        terms, created = RentTerms.objects.update_or_create(
            organisation=organisation, lease=lease, valid_from=valid_from, defaults=amounts
        )
        changes = {
            name: [before[name], amounts[name]]
            for name in ("rent_cents", "charges_cents", "rls_cents")
            if before[name] != amounts[name]
        }
        if before["benefit_cents"] != amounts["benefit_cents"]:
            changes["benefit_changed"] = True
        audit.record(
            action="rent_terms.saved",
            organisation=organisation,
            actor=actor,
            obj=terms,
            object_repr=f"{lease.reference} {valid_from:%m/%Y}",
            changes={"valid_from": valid_from.isoformat(), "new": created, **changes},
        )
    return terms
