"""What payables adds to core's registries, from ``PayablesConfig.ready()``: menu entries
(group "management"), home cards, quick links.

Cards (fixed queries each):
- approvers (technician, manager, director): the invoices awaiting their level, their own or
  delegated to them today (levels held, count, five rows: three hand-written queries);
- accountant: approved invoices due within a week (the next payment run) and held invoices
  (count and five rows each: two queries).
"""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import home, navigation
from relais.core.roles import Role
from relais.core.templatetags.relais import euros

from . import queue, selectors
from .models import Status


def _row(invoice, detail: str, tone: str = "") -> home.CardRow:
    return home.CardRow(
        f"{invoice.supplier.name} – {invoice.number}",
        detail,
        url=reverse("payables:invoice_detail", args=[invoice.pk]),
        tone=tone,
    )


def _due(invoice, today) -> tuple[str, str]:
    when = formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT")
    detail = _("%(amount)s · due %(when)s") % {"amount": euros(invoice.gross_cents), "when": when}
    return detail, "warning" if invoice.due_on <= today else ""


def approvals_card(ctx: home.HomeContext) -> home.Card:
    held = queue.levels(ctx.organisation, ctx.user, ctx.role, ctx.today)
    count, rows = queue.page(ctx.organisation, held, limit=home.ROWS)
    delegated = [name for name in held.values() if name]
    return home.Card(
        key="payables.to_approve",
        title=_("Supplier invoices to approve"),
        count=count,
        text=_("Including by delegation for %(names)s.") % {"names": ", ".join(delegated)}
        if delegated
        else "",
        empty=_("Invoices awaiting your approval will appear here, the soonest due first."),
        url=f"{reverse('payables:invoice_list')}?queue=mine",
        link_label=_("All invoices to approve"),
        rows=[_row(invoice, *_due(invoice, ctx.today)) for invoice in rows],
    )


def to_pay_card(ctx: home.HomeContext) -> home.Card:
    waiting = selectors.due_this_week(ctx.organisation, ctx.today).order_by(
        "-supplier__small_business", "due_on", "id"
    )
    return home.Card(
        key="payables.to_pay",
        title=_("Approved invoices due this week"),
        count=waiting.count(),
        empty=_(
            "Approved invoices due within seven days will appear here: pay them in a payment run."
        ),
        url=reverse("payables:payment_run_list"),
        link_label=_("Make a payment run"),
        rows=[_row(invoice, *_due(invoice, ctx.today)) for invoice in waiting[: home.ROWS]],
    )


def held_card(ctx: home.HomeContext) -> home.Card:
    waiting = (
        selectors.invoices(ctx.organisation).filter(status=Status.HELD).order_by("due_on", "id")
    )
    return home.Card(
        key="payables.held",
        title=_("Held supplier invoices"),
        count=waiting.count(),
        empty=_("Invoices held (work order not completed, no order found) will appear here."),
        url=f"{reverse('payables:invoice_list')}?status={Status.HELD}",
        link_label=_("All held invoices"),
        rows=[_row(invoice, invoice.hold_reason) for invoice in waiting[: home.ROWS]],
    )


def register_menu() -> None:
    entries = [
        (gettext_lazy("Supplier invoices"), "payables:invoice_list", "payables.view", 20),
        (gettext_lazy("Suppliers"), "payables:supplier_list", "payables.view", 22),
        (gettext_lazy("Payment runs"), "payables:payment_run_list", "payables.pay", 24),
        (gettext_lazy("Approval delegations"), "payables:delegation_list", "payables.approve", 26),
        (gettext_lazy("Payables dashboard"), "payables:dashboard", "payables.dashboard", 28),
        (gettext_lazy("Payables settings"), "payables:settings", "payables.configure", 29),
        (gettext_lazy("Budget lines"), "payables:budget_list", "payables.budgets", 27),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("management", label, url_name, ability=ability, order=order)


def register() -> None:
    register_menu()
    approvers = {Role.TECHNICIAN, Role.MANAGER, Role.DIRECTOR}
    home.register_card("payables.to_approve", roles=approvers, order=60, build=approvals_card)
    home.register_card("payables.to_pay", roles={Role.ACCOUNTANT}, order=60, build=to_pay_card)
    home.register_card("payables.held", roles={Role.ACCOUNTANT}, order=61, build=held_card)
    home.register_link(
        "payables:invoice_list",
        gettext_lazy("Supplier invoices"),
        ability="payables.view",
        order=60,
    )
