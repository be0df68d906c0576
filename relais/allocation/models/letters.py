"""Allocation models — Letters and offers sent after a commission's decisions, and the
standard reasons an officer picks for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned

from .commissions import Candidate

# Letters and offers --------------------------------------------------------------------------


class LetterKind(models.TextChoices):
    OFFER = "offer", _("Offer of a dwelling")
    # An attribution ranked 2 or lower: the applicant is told their rank before any offer.
    RANKED = "ranked", _("Ranked attribution")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    CONDITIONAL = "conditional", _("Conditional decision")
    INADMISSIBLE = "inadmissible", _("Inadmissibility")


class LetterStatus(models.TextChoices):
    """A letter is written as a draft at the close; the officer reviews it (reasons, wording)
    and sends it. Only a sent letter has a PDF, a sending date and, for an offer, a deadline."""

    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed, ready to send")
    SENT = "sent", _("Sent")


class ReasonKind(models.TextChoices):
    """The decision types a standard reason belongs to (R441-3 CCH)."""

    ATTRIBUTION = "attribution", _("Attribution")
    CONDITIONAL = "conditional", _("Attribution under suspensive condition")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    INADMISSIBLE = "inadmissible", _("Inadmissibility")


REASON_KIND = {
    "offer": ReasonKind.ATTRIBUTION,
    "ranked": ReasonKind.ATTRIBUTION,
    "conditional": ReasonKind.CONDITIONAL,
    "non_attribution": ReasonKind.NON_ATTRIBUTION,
    "inadmissible": ReasonKind.INADMISSIBLE,
}
# A refusal is notified with its reasons (article L441-2-2 CCH): at least one is required.
REASON_REQUIRED = frozenset({"non_attribution", "inadmissible"})


class LetterReason(OrganisationOwned):
    """A reason from the organisation's standard list, printed as written in the letters of
    its decision type. Seeded with defaults (``letters.reasons``); withdrawn, never deleted,
    once used, so a sent letter keeps what it said."""

    kind = models.CharField(_("decision type"), max_length=16, choices=ReasonKind.choices)
    text = models.CharField(_("text printed in the letter"), max_length=500)
    is_active = models.BooleanField(_("offered to officers"), default=True)

    class Meta:
        verbose_name = _("letter reason")
        verbose_name_plural = _("letter reasons")
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "text"], name="letter_reason_once"
            )
        ]

    def __str__(self):
        return self.text


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
    """A letter (PDF) to an applicant after a session; offers carry the 10-day answer.

    Drafted at the close, reviewed by an officer (``reasons`` from the standard list and an
    optional ``wording``), then sent: the PDF is rendered and stored only then. Members'
    notes (``Position.reason``, ``Candidate.decision_reason``) are never printed.
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    reasons = models.ManyToManyField(
        LetterReason, verbose_name=_("reasons"), blank=True, related_name="+"
    )
    wording = models.TextField(_("additional wording"), blank=True)
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
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
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind"], name="letter_once_per_kind"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False, pdf__isnull=False),
                name="letter_sent_has_pdf",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.candidate}"

    @property
    def reason_kind(self) -> str:
        return REASON_KIND[self.kind]

    @property
    def is_sent(self) -> bool:
        return self.status == LetterStatus.SENT
