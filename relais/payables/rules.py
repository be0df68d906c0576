"""Pure rules of payables: the legal payment date, late-payment interest and indemnity, the
approval levels an amount needs, the totals an invoice must add up to, and the TARGET2
business day a transfer can be executed on.

No Django request, no database: tested with tables of cases (tests/payables/test_rules.py).
Money is integer cents, rates basis points (1 % = 100), durations days.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

# Defaults per regime (DOMAIN.md §3b):
# - public buyers (OPH): 30 days from receipt of the invoice (Code de la commande publique,
#   art. R2192-10); interest at the ECB rate + 8 points (art. R2192-31);
# - companies (ESH, cooperatives): at most 60 days from the invoice date (Code de commerce,
#   art. L441-10 I); interest at the ECB rate + 10 points (art. L441-10 II).
# Late payment also owes a fixed 40 € recovery indemnity, by law and without reminder
# (Code de commerce art. L441-10 II and D441-5; commande publique art. L2192-13).
DEFAULT_DEADLINE_DAYS = {"public": 30, "commercial": 60}
INTEREST_MARGIN_BP = {"public": 800, "commercial": 1000}
INDEMNITY_CENTS = 4_000
DEFAULT_TECHNICIAN_LIMIT_CENTS = 500_000  # 5,000 €
DEFAULT_MANAGER_LIMIT_CENTS = 5_000_000  # 50,000 €
DEFAULT_ECB_RATE_BP = 215  # ECB main refinancing rate since June 2025: 2.15 %
LEVELS = ("technician", "manager", "director")
# A VAT amount may differ from base × rate by rounding: one cent per line of the breakdown.
VAT_TOLERANCE_CENTS = 1


def due_date(
    *,
    regime: str,
    deadline_days: int,
    issue_date: dt.date,
    received_on: dt.date,
    stated_due_on: dt.date | None = None,
) -> dt.date:
    """The date the invoice must be paid by: the legal deadline counted from receipt (public
    buyers) or from the invoice date (companies), or the invoice's own earlier due date."""
    start = received_on if regime == "public" else issue_date
    legal = start + dt.timedelta(days=deadline_days)
    if stated_due_on is not None and stated_due_on < legal:
        return stated_due_on
    return legal


@dataclass(frozen=True)
class LatePayment:
    days: int
    interest_cents: int
    indemnity_cents: int

    @property
    def total_cents(self) -> int:
        return self.interest_cents + self.indemnity_cents


def late_payment(
    *, gross_cents: int, due_on: dt.date, paid_on: dt.date, regime: str, ecb_rate_bp: int
) -> LatePayment:
    """Interest and indemnity owed for paying ``gross_cents`` on ``paid_on`` instead of
    ``due_on``: simple interest on the amount including VAT, at the ECB rate plus the
    regime's margin, per day late over a 365-day year, rounded half up to the cent; plus the
    40 € indemnity (see the sources above). Nothing when paid on time."""
    days = (paid_on - due_on).days
    if days <= 0:
        return LatePayment(0, 0, 0)
    rate_bp = ecb_rate_bp + INTEREST_MARGIN_BP[regime]
    numerator = gross_cents * rate_bp * days
    denominator = 10_000 * 365
    interest = (2 * numerator + denominator) // (2 * denominator)
    return LatePayment(days, interest, INDEMNITY_CENTS)


def levels_for(
    gross_cents: int,
    *,
    technician_limit_cents: int,
    manager_limit_cents: int,
    over_budget: bool = False,
) -> list[str]:
    """The approval levels an invoice needs, in order: the technician (service done) always,
    then the manager above the technician's limit, then the director above the manager's
    limit or when the invoice takes its budget line over its amount."""
    if over_budget or gross_cents > manager_limit_cents:
        return list(LEVELS)
    if gross_cents > technician_limit_cents:
        return ["technician", "manager"]
    return ["technician"]


@dataclass(frozen=True)
class Line:
    net_cents: int
    vat_rate_bp: int


@dataclass(frozen=True)
class VatRow:
    base_cents: int
    vat_cents: int
    rate_bp: int


def totals_problems(
    *,
    net_cents: int,
    vat_cents: int,
    gross_cents: int,
    lines: list[Line] = (),
    vat_rows: list[VatRow] = (),
) -> list[str]:
    """What does not add up, as ``(check, expected_cents, found_cents)`` with check one of
    "gross" (net + VAT), "lines" (sum of the lines' net), "vat" (sum of the breakdown's VAT)
    and "rate" (a breakdown row's base × rate); empty when the invoice is consistent."""
    problems = []
    if net_cents + vat_cents != gross_cents:
        problems.append(("gross", net_cents + vat_cents, gross_cents))
    if lines and sum(line.net_cents for line in lines) != net_cents:
        problems.append(("lines", sum(line.net_cents for line in lines), net_cents))
    if vat_rows:
        if sum(row.vat_cents for row in vat_rows) != vat_cents:
            problems.append(("vat", sum(row.vat_cents for row in vat_rows), vat_cents))
        for row in vat_rows:
            expected = (2 * row.base_cents * row.rate_bp + 10_000) // 20_000
            if abs(expected - row.vat_cents) > VAT_TOLERANCE_CENTS:
                problems.append(("rate", expected, row.vat_cents))
    return problems


# SEPA credit transfers settle on TARGET2 business days: not Saturdays, Sundays, nor the
# TARGET2 closing days (1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December; ECB,
# "TARGET2 closing days"), the ``holidays`` library's ECB calendar ("XECB").
SATURDAY = 5


@lru_cache(maxsize=32)
def _target2_closed(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.financial_holidays("XECB", years=year))


def is_target2_business_day(day: dt.date) -> bool:
    return day.weekday() < SATURDAY and day not in _target2_closed(day.year)


def next_target2_business_day(after: dt.date) -> dt.date:
    """The first TARGET2 business day strictly after ``after``: Friday → Monday, 24 December
    2026 (Thursday) → 28 December (25 and 26 are closed), Thursday before Easter → Tuesday."""
    day = after + dt.timedelta(days=1)
    while not is_target2_business_day(day):
        day += dt.timedelta(days=1)
    return day
