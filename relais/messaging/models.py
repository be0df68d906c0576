"""Broadcasts: one message to the tenants of a segment, by each one's channel (e-mail, SMS or
printed letter), and the letters printed for those without e-mail or mobile.

Each e-mail and text message of a broadcast is an outbox message of the batch
``Broadcast.batch`` (``relais.core.outbox``): its delivery status (queued, sent, delivered,
bounced, failed) is the outbox's. Letters are ``BroadcastLetter`` rows, printed together in
one PDF (``letters``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.core.models import OrganisationOwned, OrganisationQuerySet


class BroadcastKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    # Gas cut, evacuation, water unfit to drink: reaches households that unsubscribed too.
    SAFETY = "safety", _("Safety")


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", pgettext_lazy("broadcast", "Cancelled")


class Envelope(models.TextChoices):
    """French window envelopes for an A4 letter folded in three (window 45 × 100 mm, 20 mm
    from the right edge and 15 mm from the bottom)."""

    DL = "dl", _("DL (110 × 220 mm)")
    C5_6 = "c5_6", _("C5/6 (114 × 229 mm)")


class BroadcastQuerySet(OrganisationQuerySet):
    def public(self):
        """Sent broadcasts marked public: shown on the public messages page and poster."""
        return self.filter(public=True, status__in=[BroadcastStatus.SENDING, BroadcastStatus.SENT])


class Broadcast(OrganisationOwned):
    """A message to a segment of tenants. ``criteria`` is ``[{"key": segment key, "value":
    str}, …]`` (``segments``), combined with AND; the texts hold merge fields (``merge``)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=BroadcastKind.choices, default=BroadcastKind.INFORMATION
    )
    public = models.BooleanField(
        _("shown on the public crisis notice"),
        default=False,
        help_text=_("Public messages must not name anyone: the notice is read by all."),
    )
    criteria = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject of the e-mail"), max_length=200)
    body = models.TextField(_("text of the e-mail and the letter"))
    sms_body = models.TextField(_("text of the SMS"))
    envelope = models.CharField(
        _("envelope"), max_length=5, choices=Envelope.choices, default=Envelope.DL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Written once, when the recipients are queued: {"email": n, "sms": n, "letter": n,
    # "opted_out": n}.
    counts = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    letters_pdf = models.BinaryField(null=True, blank=True, editable=False)
    letters_pages = models.PositiveIntegerField(default=0)

    objects = BroadcastQuerySet.as_manager()

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at", "-id"])]

    def __str__(self):
        return self.title

    @property
    def batch(self) -> str:
        """The outbox batch of this broadcast's e-mails and texts."""
        return f"messaging.broadcast-{self.pk}"

    @property
    def total(self) -> int:
        counts = self.counts or {}
        return sum(counts.get(channel, 0) for channel in ("email", "sms", "letter"))


class BroadcastLetter(OrganisationOwned):
    """A household of a broadcast written to by post (its holder prefers letters, or has
    neither e-mail nor mobile)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="letters")
    household = models.ForeignKey("housing.Household", on_delete=models.CASCADE, related_name="+")
    occupant = models.ForeignKey("housing.Occupant", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "household"], name="broadcast_letter_unique_household"
            )
        ]

    def __str__(self):
        return f"{self.broadcast_id}/{self.household_id}"
