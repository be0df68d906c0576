"""Payables' figure in continuity's daily situation report (``relais.continuity.report``)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from .models import Invoice, Status

WEEK_DAYS = 7


def paid(organisation, day: dt.date) -> int | None:
    """Supplier invoices paid (debit seen on the bank statement) in the seven days ending on
    ``day``; None when the organisation has no supplier invoice at all. Two queries at most."""
    invoices = Invoice.objects.filter(organisation=organisation)
    if not invoices.exists():
        return None
    start = day - dt.timedelta(days=WEEK_DAYS - 1)
    return invoices.filter(status=Status.PAID, paid_on__gte=start, paid_on__lte=day).count()


def register() -> None:
    from relais.continuity.report import register_figure

    register_figure(
        "payables.paid",
        _("Supplier invoices paid (7 days)"),
        paid,
        capability="payables",
        order=46,
    )
