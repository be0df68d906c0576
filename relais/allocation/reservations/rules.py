"""Pure rules of the reservation flows: which agreements a vacancy falls under, which flow it
is assigned to, and the DALO deadline. No database, no request (ADR 0047).

Since the ELAN law (2018) and décret 2020-145 of 20 February 2020, reservations are managed as
a share of the yearly flow of vacancies (gestion en flux, articles L441-1 and R441-5 to
R441-5-4 CCH, compulsory for every agreement since 24 November 2023): the agreement sets the
share; the landlord decides which vacancy goes to which holder and accounts for it in a yearly
balance. The law leaves the assignment method to the parties; Relais keeps each agreement on
track over the year with the rule of :func:`choose_flow`.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

# An agreement takes the vacancy when it is at least half a vacancy behind its pro-rata target:
# assigning it then brings the agreement closer to its target than not assigning it.
HALF = Fraction(1, 2)


@dataclass(frozen=True)
class Scope:
    """What an agreement covers: ``departement`` (code or None), ``communes`` (INSEE codes,
    empty: all), ``typology_mask`` (bits of ``TYPOLOGY_BITS``, 0: all typologies)."""

    departement: str | None = None
    communes: frozenset = frozenset()
    typology_mask: int = 0


def covers(scope: Scope, *, commune: str, departement: str, typology_bit: int) -> bool:
    """Whether a vacancy in ``commune`` (of ``departement``) with this typology falls under."""
    if scope.departement and scope.departement != departement:
        return False
    if scope.communes and commune not in scope.communes:
        return False
    return not scope.typology_mask or bool(scope.typology_mask & typology_bit)


@dataclass(frozen=True)
class Standing:
    """One agreement this year: ``flow`` vacancies under its scope became ready (this one
    included), ``assigned`` of them went to its holder."""

    agreement_id: int
    share_percent: int
    flow: int
    assigned: int

    @property
    def target(self) -> Fraction:
        """The pro-rata target: share × flow (in vacancies, a fraction)."""
        return Fraction(self.share_percent * self.flow, 100)

    @property
    def behind(self) -> Fraction:
        """Vacancies owed and not assigned yet (negative: ahead of its share)."""
        return self.target - self.assigned


def choose_flow(standings: list[Standing]) -> Standing | None:
    """The agreement furthest behind its pro-rata target, if at least half a vacancy behind;
    None: the landlord's own flow. Ties go to the agreement with the larger share, then to the
    oldest (smallest id), so the choice never depends on the order of the list."""
    due = [s for s in standings if s.behind >= HALF]
    if not due:
        return None
    return min(due, key=lambda s: (-s.behind, -s.share_percent, s.agreement_id))


def owed(share_percent: int, flow: int) -> int:
    """Vacancies owed for a yearly flow, rounded half up (30 % of 15 = 4.5 → 5)."""
    return (share_percent * flow * 2 + 100) // 200


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 January + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def dalo_deadline(decided_on: dt.date, months: int) -> dt.date:
    """The date by which a household recognised DALO must be housed: the mediation
    commission's decision + three months (six in overseas départements and in départements
    with an agglomeration of more than 300,000 inhabitants), article R441-16-1 CCH; after it
    the household may go to the administrative court (L441-2-3-1)."""
    return add_months(decided_on, months)
