"""Audit actions of payables: intake, approvals and delegations, payment runs, statements."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link

from .models import Level, Source, Status

LEVELS = Detail(_("level"), dict(Level.choices))
STATUSES = Detail(_("status"), dict(Status.choices))

action("payables.settings_changed", _("Payables settings changed"))
action("budget.created", _("Budget line created"))
action("budget.changed", _("Budget line changed"))
action("supplier.created", _("Supplier added"))
action("supplier.changed", _("Supplier changed"))
action(
    "invoice.received",
    _("Supplier invoice received"),
    source=Detail(_("received as"), dict(Source.choices)),
    gross_cents=_("total including VAT"),
    status=STATUSES,
    hold_reason=_("held because"),
)
action(
    "invoice.rechecked",
    _("Held invoice checked again"),
    hold_reason=_("held because"),
    status=STATUSES,
)
action(
    "invoice.approved",
    _("Supplier invoice approved"),
    level=LEVELS,
    on_behalf_of=_("on behalf of"),
    status=STATUSES,
)
action(
    "invoice.rejected",
    _("Supplier invoice rejected"),
    level=LEVELS,
    reason=_("reason"),
    on_behalf_of=_("on behalf of"),
)
action(
    "delegation.created",
    _("Approval delegated"),
    delegator=_("absent approver"),
    delegate=_("delegate"),
    starts_on=_("from"),
    ends_on=_("until"),
)
action("delegation.revoked", _("Approval delegation ended"))
action(
    "payment_run.created",
    _("Payment run made (SEPA transfer file)"),
    invoices=_("invoices"),
    total_cents=_("total"),
    execution_date=_("execution date"),
)
action("payment_run.downloaded", _("SEPA transfer file downloaded"))
action(
    "bank_statement.imported",
    _("Bank statement imported (invoices paid)"),
    file=_("file"),
    paid=_("invoices marked paid"),
    already_paid=_("already paid"),
    unmatched=_("entries not matched"),
)

object_link("payables.invoice", "payables:invoice_detail", "payables.view")
object_link("payables.budget", "payables:budget_edit", "payables.budgets")
object_link("payables.paymentrun", "payables:payment_run_detail", "payables.pay")
