"""Rent: terms per lease, rent calls (one per lease and month), payments and their allocation,
direct-debit mandates, bank statements, arrears follow-up and payment plans.

Every amount is integer cents. A month is stored as the date of its first day.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned
from relais.housing.models import Lease


class RentSettings(OrganisationOwned):
    """One per organisation: the winter truce (no eviction between its dates, L412-6 CPCE:
    1 November – 31 March by default, extended by decree in 2020) and the SEPA creditor."""

    truce_start_month = models.PositiveSmallIntegerField(_("truce start month"), default=11)
    truce_start_day = models.PositiveSmallIntegerField(_("truce start day"), default=1)
    truce_end_month = models.PositiveSmallIntegerField(_("truce end month"), default=3)
    truce_end_day = models.PositiveSmallIntegerField(_("truce end day"), default=31)
    creditor_name = models.CharField(_("creditor name"), max_length=70, blank=True)
    creditor_iban = models.CharField(_("creditor IBAN"), max_length=34, blank=True)
    creditor_bic = models.CharField(_("creditor BIC"), max_length=11, blank=True)
    creditor_id = models.CharField(_("SEPA creditor identifier"), max_length=35, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="rent_settings_one_per_org")
        ]

    def __str__(self):
        return str(self.organisation_id)


class RentTerms(OrganisationOwned):
    """The rent of a lease from ``valid_from`` (a first of month) until the next row: base rent,
    charges provision, housing benefit paid to the landlord (APL tiers payant, sensitive) and
    RLS (réduction de loyer de solidarité, L442-2-1 CCH). Without a row the lease's own
    amounts apply, with no RLS."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="rent_terms")
    valid_from = models.DateField(_("valid from"))
    rent_cents = models.PositiveIntegerField(_("base rent (cents)"))
    charges_cents = models.PositiveIntegerField(_("charges provision (cents)"))
    benefit_cents = models.PositiveIntegerField(_("housing benefit (cents)"), default=0)
    rls_cents = models.PositiveIntegerField(_("RLS (cents)"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lease", "valid_from"], name="rent_terms_one_per_date")
        ]

    def __str__(self):
        return f"{self.lease_id} {self.valid_from}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")


class RentRun(OrganisationOwned):
    """One commit of a month's rent run, done by a background task in batches of leases
    (``last_lease_id`` is the cursor: a run resumed after a killed worker starts after it)."""

    month = models.DateField(_("month"))
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    leases_total = models.PositiveIntegerField(default=0)
    leases_done = models.PositiveIntegerField(default=0)
    calls_created = models.PositiveIntegerField(default=0)
    last_lease_id = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.month:%m/%Y}"

    @property
    def percent(self) -> int:
        if not self.leases_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, self.leases_done * 100 // self.leases_total)


class RentCall(OrganisationOwned):
    """What a lease owes for one month (avis d'échéance), pro rata of the days occupied:
    ``amount_cents = rent + charges − benefit − rls`` (never below 0); ``paid_cents`` is what
    payments allocated to it cover."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="rent_calls")
    month = models.DateField(_("month"))
    days = models.PositiveSmallIntegerField(_("days occupied"))
    month_days = models.PositiveSmallIntegerField()
    rent_cents = models.IntegerField(_("base rent"))
    charges_cents = models.IntegerField(_("charges provision"))
    benefit_cents = models.IntegerField(_("housing benefit"))
    rls_cents = models.IntegerField(_("RLS"))
    amount_cents = models.IntegerField(_("amount due"))
    paid_cents = models.IntegerField(_("paid"), default=0)
    run = models.ForeignKey(RentRun, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "month"], name="rent_call_one_per_month")
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self):
        return f"{self.lease_id} {self.month:%m/%Y}"

    @property
    def gross_cents(self) -> int:
        return self.rent_cents + self.charges_cents

    @property
    def open_cents(self) -> int:
        return self.amount_cents - self.paid_cents


class Mandate(OrganisationOwned):
    """A SEPA direct-debit mandate (unique reference, signature date) for a lease."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="mandates")
    reference = models.CharField(_("mandate reference"), max_length=35)
    signed_on = models.DateField(_("signed on"))
    debtor_name = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    active = models.BooleanField(default=True)
    first_collected = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="mandate_unique_reference"
            )
        ]

    def __str__(self):
        return self.reference


class BankStatement(OrganisationOwned):
    """An imported bank file (camt.053/054 or CSV); the same file twice is refused."""

    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    digest = models.CharField(max_length=64)
    lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "digest"], name="statement_once")
        ]

    def __str__(self):
        return self.filename


class Method(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")


class Payment(OrganisationOwned):
    """Money received. ``lease`` is empty while unmatched (the unmatched queue); once matched
    it is allocated to the lease's oldest open calls (``PaymentAllocation``)."""

    lease = models.ForeignKey(
        Lease, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    amount_cents = models.PositiveIntegerField(_("amount"))
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    payer = models.CharField(_("payer"), max_length=140, blank=True)
    statement = models.ForeignKey(BankStatement, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "received_on"]),
            models.Index(
                fields=["organisation", "received_on"],
                condition=Q(lease__isnull=True),
                name="payment_unmatched",
            ),
        ]

    def __str__(self):
        return f"{self.amount_cents / 100:.2f} € {self.received_on}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    call = models.ForeignKey(RentCall, on_delete=models.CASCADE, related_name="allocations")
    amount_cents = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.payment_id} → {self.call_id}"


class StepKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder letter")
    CALL = "call", _("Phone call")
    PLAN_PROPOSAL = "plan_proposal", _("Payment plan proposed")
    FSL = "fsl", _("FSL help requested")
    CCAPEX = "ccapex", _("Referral to the CCAPEX")
    COURT = "court", _("Court action")
    SUPPORT = "support", _("Supportive contact")


class StepStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DONE = "done", _("Done")


class CollectionStep(OrganisationOwned):
    """One step of the follow-up of a lease in arrears (automatic or recorded by staff)."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="collection_steps")
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.TODO)
    created_on = models.DateField(_("date"))
    automatic = models.BooleanField(default=False)
    balance_cents = models.IntegerField(_("balance at the time"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "kind"])]

    def __str__(self):
        return f"{self.kind} {self.created_on}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentPlan(OrganisationOwned):
    """A plan d'apurement: the debt at ``created_on`` repaid by instalments on top of the rent."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="payment_plans")
    created_on = models.DateField(_("agreed on"))
    debt_cents = models.PositiveIntegerField(_("debt"))
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self):
        return f"{self.lease_id} {self.created_on}"


class Instalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount_cents = models.PositiveIntegerField(_("amount"))
    missed_followed_up = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return str(self.due_on)
