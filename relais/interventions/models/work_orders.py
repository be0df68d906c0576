"""Interventions models — work orders (bons de commande) sent to contractors, their signed
link, the health questionnaire filled in with the tenant before entering, and the idempotency
keys that make each step safe to retry on a bad connection (issue 8 §3)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned


class WorkOrderStatus(models.TextChoices):
    SENT = "sent", _("Sent to the contractor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SCHEDULED = "scheduled", _("Visit scheduled")
    STOPPED = "stopped", _("Visit stopped by the health questionnaire")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class WorkOrder(OrganisationOwned):
    """One job for one contractor on one request.

    The contractor works through a signed link, no account: only the SHA-256 of the link's
    token is stored (``link_token_hash``); the link expires (``link_expires_at``) and staff can
    revoke it (``link_revoked_at``). ``health_answers`` holds the questionnaire as
    ``{question code: bool}`` with ``health_answered_at``; a positive answer stops the visit
    unless ``emergency_override`` (the emergency requires it) is set.
    """

    request = models.ForeignKey(
        "interventions.InterventionRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    contractor = models.ForeignKey(
        "interventions.Contractor",
        verbose_name=_("contractor"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WorkOrderStatus.choices, default=WorkOrderStatus.SENT
    )
    instructions = models.TextField(_("instructions to the contractor"), blank=True)
    link_token_hash = models.CharField(max_length=64, unique=True)
    link_expires_at = models.DateTimeField(_("link expires at"))
    link_revoked_at = models.DateTimeField(_("link revoked at"), null=True, blank=True)
    proposed_slot_start = models.DateTimeField(_("proposed visit from"), null=True, blank=True)
    proposed_slot_end = models.DateTimeField(_("proposed visit until"), null=True, blank=True)
    health_answers = models.JSONField(_("health questionnaire"), default=dict, blank=True)
    health_answered_at = models.DateTimeField(null=True, blank=True)
    emergency_override = models.BooleanField(
        _("visit maintained despite a positive answer (emergency)"), default=False
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_slot_end__isnull=True)
                | Q(proposed_slot_end__gt=models.F("proposed_slot_start")),
                name="work_order_slot_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_at"]),
            models.Index(fields=["organisation", "contractor", "sent_at"]),
        ]

    def __str__(self):
        return f"{self.request_id} → {self.contractor_id} ({self.status})"


class WorkOrderSubmission(OrganisationOwned):
    """A step submitted through the contractor's link, by its idempotency key (a random value
    in the form): a retried submission finds its key and changes nothing twice."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="submissions")
    key = models.CharField(max_length=64)
    step = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "key"], name="work_order_submission_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.work_order_id} {self.step} {self.key}"


def work_order_photo_path(instance, filename: str) -> str:
    return f"interventions/{instance.organisation_id}/work-orders/{secrets.token_hex(16)}.jpg"


class WorkOrderPhoto(OrganisationOwned):
    """A photo sent by the contractor on completion, re-encoded like the tenant's photos."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=work_order_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work order photo")
        verbose_name_plural = _("work order photos")
        ordering = ["id"]

    def __str__(self):
        return self.original_name or self.image.name
