"""Eligibility writes: entering a year's income-ceiling table (operators only, audited).

The tables are shared reference data, not a landlord's: only the platform's operators
(``can_enter_ceilings``: staff accounts of the operator holding the income-ceiling
permissions, never a landlord role) enter them. A table is a year × financing: 3 zones ×
7 amounts for PLAI and PLUS (21 values), 5 zones × 7 for PLI (35), checked complete and
growing by category (``rules.table_errors``) before anything is written; saving
the same values again changes nothing. docs/decisions/0026-ceilings-entry-and-territories.md.
"""

from django.db import IntegrityError, transaction

from relais.core import audit

from ..models import IncomeCeiling
from .rules import table_errors

YEARS = (1987, 2100)


def can_enter_ceilings(user) -> bool:
    """The operator's ability: an active staff account with the ceiling permissions."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perms(["allocation.add_incomeceiling", "allocation.change_incomeceiling"])
    )


def stored_table(year: int, financing: str) -> dict[tuple[str, int], int]:
    """The amounts stored for a year × financing: ``{(zone, category): €}``."""
    return {
        (row.zone, row.category): row.ceiling_eur
        for row in IncomeCeiling.objects.filter(year=year, financing=financing)
    }


def income_ceiling_table_enter(
    *, actor, year: int, financing: str, amounts: dict[tuple[str, int], int], source: str
) -> dict[str, int]:
    """Store a checked table (upsert), in one transaction, with one audit event on change.

    Raises ``ValueError`` when ``amounts`` fails ``table_errors`` (the form checks first).
    Returns ``{"created", "updated", "unchanged"}``; entering the same table twice (a double
    submit) changes nothing the second time. Two operators entering the same new table at
    once: the second insert hits the unique constraint, and is retried as an update.
    """
    if table_errors(financing, amounts):
        raise ValueError("the table is incomplete or does not grow with the category")
    try:
        return _upsert_table(actor, year, financing, amounts, source)
    except IntegrityError:
        return _upsert_table(actor, year, financing, amounts, source)


def _upsert_table(actor, year, financing, amounts, source) -> dict[str, int]:
    with transaction.atomic():
        existing = {
            (row.zone, row.category): row
            for row in IncomeCeiling.objects.select_for_update().filter(
                year=year, financing=financing
            )
        }
        created, updated, changes = [], [], {}
        for (zone, category), amount in sorted(amounts.items()):
            row = existing.get((zone, category))
            if row is None:
                row = IncomeCeiling(year=year, financing=financing, zone=zone, category=category)
                created.append(row)
            elif (row.ceiling_eur, row.source) == (amount, source):
                continue
            else:
                updated.append(row)
            if row.ceiling_eur != amount:
                changes[f"{zone}/{category}"] = [row.ceiling_eur, amount]
            row.ceiling_eur, row.source = amount, source
        IncomeCeiling.objects.bulk_create(created)
        IncomeCeiling.objects.bulk_update(updated, ["ceiling_eur", "source"])
        counts = {
            "created": len(created),
            "updated": len(updated),
            "unchanged": len(amounts) - len(created) - len(updated),
        }
        if created or updated:
            audit.record(
                action="income_ceilings.entered",
                actor=actor,
                object_repr=f"{financing} {year}",
                changes={"year": year, "financing": financing, "source": source}
                | counts
                | {"amounts": changes},
            )
    return counts
