"""Allocation models — Letters and offers sent after a commission's decisions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned

from .commissions import Candidate

# Letters and offers --------------------------------------------------------------------------


class LetterKind(models.TextChoices):
    OFFER = "offer", _("Offer of a dwelling")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    CONDITIONAL = "conditional", _("Conditional decision")
    INADMISSIBLE = "inadmissible", _("Inadmissibility")


class OfferAnswer(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("No answer within 10 days")


class ReceiptKind(models.TextChoices):
    """How staff know the applicant received an offer (the answer period runs from the day
    after, article R441-10 CCH)."""

    REGISTERED = "registered", _("Registered-letter receipt")
    EMAIL_OPENED = "email_opened", _("E-mail opened")
    HANDED_OVER = "handed_over", _("Handed over")


class Letter(OrganisationOwned):
    """A letter (PDF) to an applicant after a session; offers carry the 10-day answer."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind.choices)
    pdf = models.BinaryField(_("PDF"))
    sent_at = models.DateTimeField(_("sent at"))
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    # Recorded receipt of an offer; without it the period runs from sending + the postal delay.
    received_on = models.DateField(_("received on"), null=True, blank=True)
    receipt_kind = models.CharField(
        _("receipt"), max_length=12, choices=ReceiptKind.choices, blank=True
    )
    answer = models.CharField(_("answer"), max_length=10, choices=OfferAnswer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind"], name="letter_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.candidate}"
