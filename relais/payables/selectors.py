"""Reads of payables for pages, home cards and the dashboard.

Queues and dashboard figures are each one query on indexed columns (``organisation, status,
next_level, due_on``); ``bench/payables.py`` measures them on 100,000 invoices.
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from relais.core.models import Membership

from . import delays, rules
from .models import (
    COMMITTED,
    Budget,
    Delegation,
    Invoice,
    Level,
    PayablesSettings,
    Status,
    Supplier,
)

UNPAID = (Status.HELD, Status.PENDING, Status.APPROVED, Status.IN_PAYMENT)


# What the queue's pages and card show of each invoice (the rest is not read).
QUEUE_FIELDS = (
    "organisation_id",
    "supplier__name",
    "supplier__small_business",
    "number",
    "issue_date",
    "gross_cents",
    "due_on",
    "status",
    "next_level",
)


def settings_for(organisation) -> PayablesSettings:
    """The organisation's settings, or the defaults of a public buyer (unsaved) when none."""
    found = PayablesSettings.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    return PayablesSettings(
        organisation=organisation,
        regime="public",
        deadline_days=rules.DEFAULT_DEADLINE_DAYS["public"],
        technician_limit_cents=rules.DEFAULT_TECHNICIAN_LIMIT_CENTS,
        manager_limit_cents=rules.DEFAULT_MANAGER_LIMIT_CENTS,
        ecb_rate_bp=rules.DEFAULT_ECB_RATE_BP,
    )


def invoices(organisation):
    return Invoice.objects.for_organisation(organisation).select_related("supplier")


def suppliers(organisation):
    return Supplier.objects.for_organisation(organisation).select_related("contractor")


def active_delegations_to(organisation, user, today: dt.date):
    return Delegation.objects.filter(
        organisation=organisation,
        delegate=user,
        starts_on__lte=today,
        ends_on__gte=today,
        revoked_at__isnull=True,
    )


def levels_held(organisation, user, role: str, today: dt.date) -> dict[str, object]:
    """{level: on whose behalf (None: in one's own role)} this person may approve today:
    their own role's level, and the levels of the approvers who delegated to them (one
    query)."""
    held: dict[str, object] = {}
    rows = Membership.objects.filter(
        organisation=organisation,
        is_active=True,
        user__in=active_delegations_to(organisation, user, today).values("delegator"),
        role__in=Level.values,
    ).select_related("user")
    for membership in rows:
        held.setdefault(membership.role, membership.user)
    if role in Level.values:
        held[role] = None
    return held


def approvers_today(organisation, today: dt.date) -> dict[str, list[str]]:
    """{level: the names of the people who may approve it today}: the active members of its
    role, then the delegates in force, « Tina Roux for Marie Durand » (two queries)."""
    names: dict[str, list[str]] = {level: [] for level in Level.values}
    role_of = {}
    members = (
        Membership.objects.filter(organisation=organisation, is_active=True, role__in=Level.values)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    for membership in members:
        names[membership.role].append(_person(membership.user))
        role_of[membership.user_id] = membership.role
    delegations = (
        Delegation.objects.filter(
            organisation=organisation,
            starts_on__lte=today,
            ends_on__gte=today,
            revoked_at__isnull=True,
        )
        .select_related("delegator", "delegate")
        .order_by("delegate__last_name", "delegate__first_name", "id")
    )
    for delegation in delegations:
        level = role_of.get(delegation.delegator_id)
        if level is not None:
            names[level].append(
                _("%(delegate)s for %(absent)s")
                % {
                    "delegate": _person(delegation.delegate),
                    "absent": _person(delegation.delegator),
                }
            )
    return names


def _person(user) -> str:
    return user.get_full_name() or user.username


def approver_queue(organisation, levels):
    """Invoices awaiting one of ``levels``, the soonest due first."""
    return (
        invoices(organisation)
        .filter(status=Status.PENDING, next_level__in=list(levels))
        .only(*QUEUE_FIELDS)
        .order_by("due_on", "id")
    )


def budgets(organisation, year: int | None = None):
    """The budget lines (of ``year`` when given), each with ``committed_cents``: the total
    including VAT of its invoices approved, in payment or paid (one query)."""
    lines = Budget.objects.for_organisation(organisation).annotate(
        committed_cents=Coalesce(
            Sum("invoice__gross_cents", filter=Q(invoice__status__in=COMMITTED)), 0
        )
    )
    if year is not None:
        lines = lines.filter(year=year)
    return lines.order_by("-year", "code")


def due_this_week(organisation, today: dt.date):
    """Approved invoices due within seven days (or overdue): the next payment run."""
    return invoices(organisation).filter(
        status=Status.APPROVED, due_on__lte=today + dt.timedelta(days=7)
    )


def waiting_per_level(organisation) -> dict[str, dict]:
    """{level: {"count", "cents", "overdue"}} of invoices awaiting approval (one query)."""
    rows = (
        Invoice.objects.filter(organisation=organisation, status=Status.PENDING)
        .values("next_level")
        .annotate(count=Count("id"), cents=Coalesce(Sum("gross_cents"), 0))
        .order_by()
    )
    return {row["next_level"]: row for row in rows}


def amounts_by_status(organisation, today: dt.date) -> dict:
    """Counts and amounts still to pay: held, awaiting approval, approved, due this week,
    overdue — ``{"<name>_count": int, "<name>_cents": int}``. Three range reads of the
    covering index (``organisation, status, due_on, gross_cents``) with plain sums: one
    query of ten conditional sums over every unpaid invoice cost 3.5 times as much
    (bench/payables.py)."""
    figures = {}
    by_status = (
        Invoice.objects.filter(
            organisation=organisation,
            status__in=(Status.HELD, Status.PENDING, Status.APPROVED),
        )
        .values("status")
        .annotate(count=Count("id"), cents=Sum("gross_cents"))
        .order_by()
    )
    found = {row["status"]: row for row in by_status}
    for status in (Status.HELD, Status.PENDING, Status.APPROVED):
        row = found.get(status, {"count": 0, "cents": 0})
        figures[f"{status}_count"], figures[f"{status}_cents"] = row["count"], row["cents"]
    unpaid = Invoice.objects.filter(organisation=organisation, status__in=UNPAID)
    for name, window in (
        ("due_week", Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7))),
        ("overdue", Q(due_on__lt=today)),
    ):
        row = unpaid.filter(window).aggregate(
            count=Count("id"), cents=Coalesce(Sum("gross_cents"), 0)
        )
        figures[f"{name}_count"], figures[f"{name}_cents"] = row["count"], row["cents"]
    return figures


def payment_delay_by_supplier(organisation, since: dt.date, limit: int = 50) -> list[dict]:
    """Per supplier, over invoices paid since ``since``: count, mean days from receipt to
    payment, how many were paid late and the interest owed — the most often late first
    (read from the monthly summary, ``delays.by_supplier``)."""
    return delays.by_supplier(organisation, since, limit)


def payment_delay_overall(organisation, since: dt.date) -> dict:
    return delays.overall(organisation, since)
