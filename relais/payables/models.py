"""Payables: suppliers, their invoices (keyed from a PDF, Factur-X, UBL or CII), the approval
chain with its delegations, payment runs (SEPA pain.001) and the organisation's settings.

Money is integer cents; rates are basis points (1 % = 100). Legal sources: DOMAIN.md §3b.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned
from relais.core.validators import validate_siren


def validate_iban(value: str) -> None:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        IBAN(value)
    except SchwiftyException:
        raise ValidationError(
            _("“%(value)s” is not a valid IBAN."), params={"value": value}
        ) from None


def validate_bic(value: str) -> None:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        BIC(value)
    except SchwiftyException:
        raise ValidationError(
            _("“%(value)s” is not a valid BIC."), params={"value": value}
        ) from None


def validate_siret(value: str) -> None:
    from stdnum.fr import siret

    if not siret.is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid SIRET number."), params={"value": value}
        )


class Regime(models.TextChoices):
    """Which payment-deadline law binds the landlord (DOMAIN.md §3b)."""

    PUBLIC = "public", _("Public buyer (OPH): public procurement code, from receipt")
    COMMERCIAL = (
        "commercial",
        _("Company (ESH, cooperative): commercial code, from the invoice date"),
    )


class Level(models.TextChoices):
    """Approval levels, in order; each is held by the role of the same name."""

    TECHNICIAN = "technician", _("Technician")
    MANAGER = "manager", _("Manager")
    DIRECTOR = "director", _("Director")


class PayablesSettings(OrganisationOwned):
    """One per organisation; ``payables.rules.settings_for`` gives the defaults when none."""

    regime = models.CharField(_("payment deadline law"), max_length=10, choices=Regime.choices)
    deadline_days = models.PositiveSmallIntegerField(_("payment deadline (days)"))
    technician_limit_cents = models.PositiveBigIntegerField(_("technicians approve up to"))
    manager_limit_cents = models.PositiveBigIntegerField(_("managers approve up to"))
    ecb_rate_bp = models.PositiveSmallIntegerField(
        _("ECB main refinancing rate (basis points)"),
        help_text=_("The rate of the half-year in which the delay began; 2.15 per cent is 215."),
    )
    debtor_name = models.CharField(_("account holder (payer)"), max_length=70, blank=True)
    debtor_iban = models.CharField(
        _("IBAN paid from"), max_length=34, blank=True, validators=[validate_iban]
    )
    debtor_bic = models.CharField(
        _("BIC paid from"), max_length=11, blank=True, validators=[validate_bic]
    )

    class Meta:
        verbose_name = _("payables settings")
        verbose_name_plural = _("payables settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="payables_settings_one"),
            models.CheckConstraint(
                condition=Q(manager_limit_cents__gte=models.F("technician_limit_cents")),
                name="payables_settings_limits_ordered",
            ),
        ]

    def __str__(self):
        return str(self.organisation_id)


class Supplier(OrganisationOwned):
    """A company that invoices the landlord, optionally the same as an interventions
    contractor (``contractor``: one supplier per contractor, ADR 0042). ``small_business``
    suppliers are paid first in payment runs (DOMAIN.md §3b, 2020)."""

    name = models.CharField(_("company name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    small_business = models.BooleanField(
        _("small business"), default=False, help_text=_("Paid first in payment runs.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    contractor = models.OneToOneField(
        "interventions.Contractor",
        verbose_name=_("contractor (interventions)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplier",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "siren"], name="supplier_unique_siren")
        ]

    def __str__(self):
        return self.name


class Budget(OrganisationOwned):
    """A budget line of a year: an invoice charged to it that would take its committed total
    (invoices approved, in payment or paid) above ``amount_cents`` needs the director."""

    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    amount_cents = models.PositiveBigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "year"], name="budget_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.year} – {self.label}"


class Source(models.TextChoices):
    KEYED = "keyed", _("PDF keyed by staff")
    FACTURX = "facturx", _("Factur-X")
    CII = "cii", _("CII XML")
    UBL = "ubl", _("UBL XML")


class Status(models.TextChoices):
    HELD = "held", _("Held")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved, to pay")
    REJECTED = "rejected", _("Rejected")
    IN_PAYMENT = "in_payment", _("In a payment run")
    PAID = "paid", _("Paid")


COMMITTED = (Status.APPROVED, Status.IN_PAYMENT, Status.PAID)


def invoice_file_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"payables/{instance.organisation_id}/{secrets.token_hex(16)}.{suffix}"


class Invoice(OrganisationOwned):
    """A supplier's invoice and where it stands.

    ``due_on`` is the legal payment date (``rules.due_date``); ``levels`` the approval levels
    it needs, in order, and ``next_level`` the one it waits for (blank once decided).
    ``end_to_end_id`` identifies its credit transfer in the pain.001 and on the statement.
    Once paid, ``late_days``, ``interest_cents`` and ``indemnity_cents`` hold what the
    supplier is owed by law for the delay (``rules.late_payment``).
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=60)
    source = models.CharField(_("received as"), max_length=10, choices=Source.choices)
    issue_date = models.DateField(_("invoice date"))
    received_on = models.DateField(_("received on"))
    stated_due_on = models.DateField(_("due date on the invoice"), null=True, blank=True)
    due_on = models.DateField(_("payment due on"))
    net_cents = models.BigIntegerField(_("total excluding VAT"))
    vat_cents = models.BigIntegerField(_("VAT"))
    gross_cents = models.BigIntegerField(_("total including VAT"))
    currency = models.CharField(max_length=3, default="EUR")
    order_reference = models.CharField(
        _("order or work order reference"), max_length=60, blank=True
    )
    work_order = models.ForeignKey(
        "interventions.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.PROTECT, null=True, blank=True
    )
    invoice_iban = models.CharField(_("IBAN on the invoice"), max_length=34, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    hold_reason = models.CharField(_("held because"), max_length=300, blank=True)
    levels = models.JSONField(_("approval levels"), default=list)
    next_level = models.CharField(_("awaiting"), max_length=10, choices=Level.choices, blank=True)
    file = models.FileField(_("file"), upload_to=invoice_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    payment_run = models.ForeignKey(
        "payables.PaymentRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    end_to_end_id = models.CharField(max_length=35, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # Days from receipt to payment, stored when paid: the dashboard sums integers.
    delay_days = models.PositiveIntegerField(
        _("days from receipt to payment"), null=True, blank=True
    )
    late_days = models.PositiveIntegerField(_("days late"), default=0)
    interest_cents = models.BigIntegerField(_("late-payment interest"), default=0)
    indemnity_cents = models.BigIntegerField(_("recovery indemnity"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supplier", "number"], name="invoice_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(gross_cents=models.F("net_cents") + models.F("vat_cents")),
                name="invoice_gross_is_net_plus_vat",
            ),
        ]
        # The amounts close the two first indexes so that the queue, the waiting figures and
        # the amounts due are read from the index alone (bench/payables.py).
        indexes = [
            models.Index(fields=["organisation", "status", "next_level", "due_on", "gross_cents"]),
            models.Index(fields=["organisation", "status", "due_on", "gross_cents"]),
            models.Index(fields=["organisation", "end_to_end_id"]),
            # Covering for the payment delay per supplier (dashboard): read from the index alone.
            models.Index(
                fields=[
                    "organisation",
                    "status",
                    "paid_on",
                    "supplier",
                    "late_days",
                    "delay_days",
                    "interest_cents",
                    "indemnity_cents",
                ],
                name="invoice_paid_delays",
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.supplier_id})"


class InvoiceLine(OrganisationOwned):
    """A line of an e-invoice: net amount and VAT rate (basis points: 20 % is 2000)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    net_cents = models.BigIntegerField(_("net amount"))
    vat_rate_bp = models.PositiveSmallIntegerField(_("VAT rate (basis points)"))

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.description


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Approval(OrganisationOwned):
    """One decision on one level of one invoice; ``on_behalf_of`` is the absent approver
    when the decision was taken by delegation."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="approvals")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="approval_one_per_level"),
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(reason=""),
                name="approval_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.invoice_id} {self.level} {self.decision}"


class Delegation(OrganisationOwned):
    """``delegate`` approves in ``delegator``'s place (their role's level) from
    ``starts_on`` to ``ends_on`` inclusive, Europe/Paris dates, unless revoked."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (included)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(delegate=models.F("delegator")), name="delegation_not_to_self"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "delegate", "ends_on"])]

    def __str__(self):
        return f"{self.delegator_id} → {self.delegate_id}"


class PaymentRun(OrganisationOwned):
    """A SEPA credit transfer file (pain.001.001.03) paying approved invoices."""

    execution_date = models.DateField(_("execution date"))
    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    payment_information_id = models.CharField(max_length=35, blank=True)
    invoice_count = models.PositiveIntegerField(_("invoices"))
    total_cents = models.BigIntegerField(_("total"))
    xml = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.message_id


class SupplierPaidMonth(OrganisationOwned):
    """The invoices of one supplier paid in one month (``month``: its first day, from
    ``Invoice.paid_on``): how many, how many late, their days from receipt to payment summed
    and the interest + indemnity owed (cents).

    A summary of the invoices, never edited by hand: ``delays.record_paid`` adds to it in the
    transaction that marks invoices paid (the only way an invoice becomes or stays paid), and
    ``delays.rebuild`` recomputes an organisation's rows from its invoices (bulk seeding). The
    dashboard's payment delays sum these rows (ADR 0042 §13).
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    paid = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    days_total = models.BigIntegerField(default=0)
    owed_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supplier", "month"], name="supplier_paid_month_one"
            )
        ]
        indexes = [models.Index(fields=["organisation", "month"], name="supplier_paid_month_org")]

    def __str__(self):
        return f"{self.supplier_id} {self.month:%Y-%m}"
