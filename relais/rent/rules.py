"""Pure rules of rent and collection: pro rata, arrears, age bands, payment-plan progress,
winter truce and the CCAPEX delay. No database, no request: tested with tables of cases.
Amounts are integer cents, periods dates.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date, int]:
    """(first day, last day, number of days) of ``month``'s month."""
    days = calendar.monthrange(month.year, month.month)[1]
    first = month.replace(day=1)
    return first, first.replace(day=days), days


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def days_occupied(month: dt.date, start: dt.date, end: dt.date | None) -> int:
    """Days of ``month`` covered by a lease from ``start`` to ``end`` (inclusive; None: open)."""
    first, last, _days = month_bounds(month)
    lo = max(first, start)
    hi = min(last, end) if end is not None else last
    return max(0, (hi - lo).days + 1)


def pro_rata(monthly_cents: int, days: int, month_days: int) -> int:
    """``monthly_cents × days / month_days`` rounded half up, in integers (the SQL of the run
    computes the same: ``(x·days·2 + month_days) / (2·month_days)``)."""
    return (monthly_cents * days * 2 + month_days) // (2 * month_days)


@dataclass(frozen=True)
class CallAmounts:
    days: int
    month_days: int
    rent_cents: int
    charges_cents: int
    benefit_cents: int
    rls_cents: int

    @property
    def amount_cents(self) -> int:
        """Net due: rent + charges − benefit paid to the landlord − RLS, never below 0."""
        net = self.rent_cents + self.charges_cents - self.benefit_cents - self.rls_cents
        return max(0, net)


def call_amounts(month, start, end, *, rent, charges, benefit=0, rls=0) -> CallAmounts:
    """The month's call of a lease: every component pro rata of the days occupied."""
    days = days_occupied(month, start, end)
    _first, _last, month_days = month_bounds(month)
    return CallAmounts(
        days,
        month_days,
        *(pro_rata(value, days, month_days) for value in (rent, charges, benefit, rls)),
    )


@dataclass(frozen=True)
class CallState:
    """A past call as the arrears rules see it (oldest first)."""

    month: dt.date
    amount_cents: int  # net due
    paid_cents: int
    gross_cents: int  # rent + charges, before benefit and RLS
    benefit_cents: int


def in_arrears(calls: list[CallState]) -> bool:
    """The sector's definition (DOMAIN.md §3, R824-2 CCH for the benefit paid to the landlord):
    with the benefit paid to the landlord, 3 consecutive net instalments unpaid or a debt equal
    to 2 gross monthly rents; otherwise 2 months unpaid (a debt of at least twice the net
    monthly amount due)."""
    if not calls:
        return False
    debt = sum(c.amount_cents - c.paid_cents for c in calls)
    if debt <= 0:
        return False
    latest = calls[-1]
    if latest.benefit_cents > 0:
        unpaid_run = 0
        for call in reversed(calls):
            if call.amount_cents > 0 and call.paid_cents == 0:
                unpaid_run += 1
            else:
                break
        return unpaid_run >= 3 or debt >= 2 * latest.gross_cents
    return debt >= 2 * max(latest.amount_cents, 1)


AGE_BANDS = ("lt1", "1to3", "3to6", "6to12", "ge12")


def age_band(oldest_open_month: dt.date, today: dt.date) -> str:
    """Band of a debt by the age of its oldest open call, in whole months."""
    months = (today.year - oldest_open_month.year) * 12 + today.month - oldest_open_month.month
    if months < 1:
        return "lt1"
    if months < 3:
        return "1to3"
    if months < 6:
        return "3to6"
    if months < 12:
        return "6to12"
    return "ge12"


@dataclass(frozen=True)
class InstalmentState:
    due_on: dt.date
    amount_cents: int
    covered_cents: int

    @property
    def paid(self) -> bool:
        return self.covered_cents >= self.amount_cents


def plan_progress(instalments, extra_paid_cents: int) -> list[InstalmentState]:
    """How far the plan's instalments (``(due_on, amount_cents)`` in date order) are covered by
    what the tenant paid on top of the rent called since the plan (``extra_paid_cents``: the
    payments since the plan's date minus the calls issued since then), oldest first."""
    left = max(0, extra_paid_cents)
    states = []
    for due_on, amount in instalments:
        covered = min(amount, left)
        left -= covered
        states.append(InstalmentState(due_on, amount, covered))
    return states


def missed(states: list[InstalmentState], today: dt.date, grace_days: int = 5) -> list:
    """Instalments past their date (plus ``grace_days``) and not covered."""
    return [s for s in states if not s.paid and s.due_on + dt.timedelta(days=grace_days) < today]


def in_truce(day: dt.date, start: tuple[int, int], end: tuple[int, int]) -> bool:
    """Whether ``day`` falls in the winter truce from ``start`` to ``end`` ((month, day),
    inclusive; the period may span the new year: 1 November – 31 March, L412-6 CPCE)."""
    key = (day.month, day.day)
    if start <= end:
        return start <= key <= end
    return key >= start or key <= end


def court_allowed_from(ccapex_on: dt.date | None) -> dt.date | None:
    """The first day a court action may be brought: two months after the CCAPEX referral
    (article 24 of loi 89-462 for social landlords); None without a referral."""
    return None if ccapex_on is None else add_months(ccapex_on, 2)


# The day of the month a rent call is due (the notices say « à régler au plus tard le 5 »).
DUE_DAY = 5
AMOUNT = re.compile(r"^\s*(\d{1,7})(?:[,.](\d{1,2}))?\s*(?:€|euros?)?\s*$", re.IGNORECASE)


def overdue_before(today: dt.date) -> dt.date:
    """Calls of a month strictly before the returned date are overdue on ``today``: their
    due day (the ``DUE_DAY``) has passed."""
    return today - dt.timedelta(days=DUE_DAY - 1)


def parse_euros(text: str) -> int | None:
    """« 300 », « 300,50 € », « 1200 euros » → cents; None when it is not an amount."""
    found = AMOUNT.match((text or "").replace("\u202f", "").replace(" ", ""))
    if not found:
        return None
    return int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))
