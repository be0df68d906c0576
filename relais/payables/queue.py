"""The approver's queue read by hand-written SQL (ADR 0042): the page and the home card run on
every approver's visit, and at 100,000 invoices the ORM's fixed cost (compiling three
queries, building model instances) was more than the queries themselves
(``bench/payables.py``: ratio 2.35 to the bare SQL, target ≤ 2).

Three statements, each on an index: the levels held today (one's role and the approvers who
delegated to one, with their names), the number of invoices awaiting them, and a slice of
those invoices, the soonest due first. The rows are light :class:`QueueRow` objects that the
templates read like invoices (``supplier.name``, ``get_status_display``…). Same results as
``selectors.levels_held`` + ``selectors.approver_queue`` (tests/payables/test_queue.py).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from .models import Level, Status

_HELD = """
SELECT m.role, u.first_name, u.last_name, u.username FROM core_membership m
JOIN auth_user u ON u.id = m.user_id
WHERE m.organisation_id = %s AND m.is_active AND m.role IN ('technician', 'manager', 'director')
  AND m.user_id IN (SELECT d.delegator_id FROM payables_delegation d
                    WHERE d.organisation_id = %s AND d.delegate_id = %s AND d.starts_on <= %s
                      AND d.ends_on >= %s AND d.revoked_at IS NULL)
ORDER BY m.id
"""
_WHERE = "WHERE i.organisation_id = %s AND i.status = 'pending' AND i.next_level IN ({levels})"
_COUNT = "SELECT COUNT(*) FROM payables_invoice i " + _WHERE
_ROWS = (
    "SELECT i.id, i.number, i.issue_date, i.gross_cents, i.due_on, i.status, i.next_level, "
    "s.name, s.small_business FROM payables_invoice i "
    "JOIN payables_supplier s ON s.id = i.supplier_id "
    + _WHERE
    + " ORDER BY i.due_on, i.id LIMIT %s OFFSET %s"
)
_STATUSES = dict(Status.choices)
_LEVELS = dict(Level.choices)


@dataclass(frozen=True)
class QueueSupplier:
    name: str
    small_business: bool


@dataclass(frozen=True)
class QueueRow:
    """An invoice of the queue as its pages show it (amount in cents, dates as dates)."""

    pk: int
    number: str
    issue_date: dt.date
    gross_cents: int
    due_on: dt.date
    status: str
    next_level: str
    supplier: QueueSupplier

    def get_status_display(self) -> str:
        return str(_STATUSES.get(self.status, self.status))

    def get_next_level_display(self) -> str:
        return str(_LEVELS.get(self.next_level, self.next_level))


def _date(value) -> dt.date:
    """SQLite's cursor gives ISO strings where PostgreSQL gives dates."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def levels(organisation, user, role: str, today: dt.date) -> dict[str, str]:
    """{level: the name of the absent approver it is held for ("" for one's own role)} that
    ``user`` may approve today, as ``selectors.levels_held`` (one query)."""
    held: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(_HELD, [organisation.pk, organisation.pk, user.pk, today, today])
        for level, first, last, username in cursor.fetchall():
            held.setdefault(level, f"{first} {last}".strip() or username)
    if role in Level.values:
        held[role] = ""
    return held


def page(organisation, held, *, limit: int, offset: int = 0) -> tuple[int, list[QueueRow]]:
    """(number of invoices awaiting one of the ``held`` levels, the ``limit`` soonest due
    from ``offset``): two queries (a fixed number, whatever the data), none without a level."""
    names = [level for level in held if level in Level.values]
    if not names:
        return 0, []
    marks = ", ".join(["%s"] * len(names))
    params = [organisation.pk, *names]
    with connection.cursor() as cursor:
        cursor.execute(_COUNT.format(levels=marks), params)
        (total,) = cursor.fetchone()
        cursor.execute(_ROWS.format(levels=marks), [*params, limit, offset])
        rows = [
            QueueRow(
                pk=pk,
                number=number,
                issue_date=_date(issued),
                gross_cents=gross,
                due_on=_date(due),
                status=status,
                next_level=level,
                supplier=QueueSupplier(name=name, small_business=bool(small)),
            )
            for pk, number, issued, gross, due, status, level, name, small in cursor.fetchall()
        ]
    return total, rows
