"""The outbox: one message to one recipient, kept with its delivery status.

Loaded by ``relais.core.models`` (the models of ``relais.core`` live in its migrations), so this
module imports nothing of the outbox's services.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.core.models import OrganisationOwned, OrganisationQuerySet
from relais.housing.models import Channel


class OutboxChannel(models.TextChoices):
    """The channels the outbox delivers: the values of ``housing.Channel`` for e-mail and SMS."""

    EMAIL = Channel.EMAIL.value, Channel.EMAIL.label
    SMS = Channel.SMS.value, Channel.SMS.label


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Reported by the provider after the send (an SMS delivery receipt, an e-mail DSN).
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", pgettext_lazy("message", "Cancelled")


class OutboxError(models.TextChoices):
    """What went wrong with the last attempt, in words staff can act on (the raw error stays
    in ``last_error`` for the operator)."""

    UNREACHABLE = "unreachable", _("The mail or text message server could not be reached")
    TEMPORARY = "temporary", _("The server asked to try again later")
    REFUSED = "refused", _("The recipient's address was refused")
    OTHER = "other", _("Unexpected error")


class OutboxMessageQuerySet(OrganisationQuerySet):
    def due(self, now):
        """Queued messages whose next attempt time has come."""
        return self.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)

    def of_batch(self, batch: str):
        """The messages written together by ``services.queue_batch`` under ``batch``."""
        return self.filter(batch=batch)


class OutboxMessage(OrganisationOwned):
    """A message to one recipient, by e-mail or SMS, delivered by a background task.

    ``to`` is an e-mail address or a phone number in E.164 (``+33612345678``). ``attempts``
    counts the claims of the message by a worker in the current round (a staff retry starts a
    new round); the worker that made attempt ``n`` owns the message while it is ``sending`` with
    ``attempts == n``, so a late worker cannot overwrite the outcome of a newer claim.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=OutboxChannel.choices)
    to = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    # A short code (``interventions.status_changed``); its label comes from ``purposes``.
    purpose = models.CharField(_("purpose"), max_length=80)
    household = models.ForeignKey(
        "housing.Household",
        verbose_name=_("household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Unique per organisation: queuing the same key again returns the message already queued.
    # NULL, not "", for messages without a key: NULLs never collide in the unique constraint.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    error_kind = models.CharField(
        _("problem"), max_length=12, choices=OutboxError.choices, blank=True
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Written by the provider's delivery report or a bounce (``bounces``).
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The provider's identifier of an SMS (delivery reports name it); "" for e-mail.
    provider_reference = models.CharField(max_length=100, blank=True, default="")
    # Messages queued together (a broadcast: ``services.queue_batch``) share a batch code and
    # are delivered by ``tasks.deliver_batch`` at the backend's throttle; "" for the others.
    batch = models.CharField(max_length=80, blank=True, default="")
    # The recipient may unsubscribe: delivery adds the one-click link (and the e-mail's
    # List-Unsubscribe header, RFC 8058); queuing skips households that opted out.
    unsubscribe = models.BooleanField(default=False)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dedupe_key"], name="outbox_unique_dedupe_key"
            )
        ]
        indexes = [
            # The staff list (newest first, optionally by status).
            models.Index(fields=["organisation", "-created_at", "-id"]),
            models.Index(fields=["organisation", "status", "-created_at", "-id"]),
            # The sweep: due queued messages and stale claims, across organisations.
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "claimed_at"]),
            # A batch's delivery and progress.
            models.Index(fields=["batch", "status", "next_attempt_at"]),
            # Delivery reports name the provider's reference.
            models.Index(fields=["provider_reference"]),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk}"


class OptOutSource(models.TextChoices):
    LINK = "link", _("Unsubscribe link")
    STAFF = "staff", _("Recorded by staff")


class OutboxOptOut(OrganisationOwned):
    """A household that no longer wants information messages (RFC 8058 one-click link, or a
    request recorded by staff). Safety messages still reach it: only messages queued with
    ``unsubscribe=True`` respect the opt-out."""

    household = models.ForeignKey(
        "housing.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=OptOutSource.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribed household")
        verbose_name_plural = _("unsubscribed households")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "household"], name="outbox_optout_unique_household"
            )
        ]

    def __str__(self):
        return f"{self.household_id}"
