"""Offer deadlines and suspensive conditions: what staff record, and the daily lapse.

- ``offer_receipt_record``: the day the applicant received an offer (registered-letter
  receipt, e-mail opened, handed over); the answer period (≥ 10 days from the day after,
  to the next working day: ``deadlines.answer_due_on``) is recomputed from it.
- ``condition_document_receive``: the missing document of a conditional attribution arrived;
  the offer leaves if this candidate is next in line (``services._offer_next``).
- ``conditions_lapse``: conditional attributions whose deadline passed without the document
  lapse, and the offer passes to the next ranked candidate. Run daily with ``offers_lapse``.
docs/decisions/0028-offer-deadlines.md.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit

from .. import pdf
from ..commissions.closing import SUSPENSIVE_DOCUMENTS
from ..models import (
    Candidate,
    DecisionType,
    Letter,
    LetterKind,
    LetterStatus,
    OfferAnswer,
    ReceiptKind,
)
from .services import _candidates, _offer_next, condition_lapse, offer_due_on


def offer_receipt_record(*, letter: Letter, actor, received_on: dt.date, kind: str) -> Letter:
    """Record when the applicant received a pending offer; its due date is recomputed.

    Recording the same receipt twice is harmless. Raises ``ValidationError`` for an answered
    offer, an unknown kind, or a date before the sending or after today.
    """
    if kind not in ReceiptKind.values:
        raise ValidationError(_("Choose how the offer was received."))
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.kind != LetterKind.OFFER or locked.answer != OfferAnswer.PENDING:
            raise ValidationError(_("Only an offer awaiting its answer has a receipt to record."))
        if locked.status != LetterStatus.SENT:  # a draft has not left: nothing to receive
            raise ValidationError(_("This offer has not been sent yet: send it first."))
        sent_on = timezone.localdate(locked.sent_at)
        if not sent_on <= received_on <= timezone.localdate():
            raise ValidationError(
                _("The receipt date must be between the sending (%(sent)s) and today.")
                % {"sent": pdf.fr_date(sent_on)}
            )
        if (locked.received_on, locked.receipt_kind) == (received_on, kind):
            return locked
        candidate = _candidates(Candidate.objects.filter(pk=locked.candidate_id)).get()
        due = offer_due_on(candidate, sent_on=sent_on, received_on=received_on)
        changes = {
            "received_on": [locked.received_on, received_on],
            "receipt_kind": kind,
            "answer_due_on": [locked.answer_due_on, due],
        }
        locked.received_on, locked.receipt_kind, locked.answer_due_on = received_on, kind, due
        locked.save(update_fields=["received_on", "receipt_kind", "answer_due_on"])
        audit.record(
            action="offer.receipt_recorded",
            organisation=locked.organisation,
            actor=actor,
            obj=locked,
            changes=changes,
        )
    return locked


def condition_document_receive(*, candidate: Candidate, actor) -> Candidate:
    """Staff record the missing document of a conditional attribution as received (today).

    The application's documents are completed and the offer leaves when this candidate is
    next in line. Recording it twice is harmless; a lapsed condition is refused.
    """
    today = timezone.localdate()
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().select_related("application", "item")
        locked = locked.get(pk=candidate.pk)
        if locked.decision != DecisionType.CONDITIONAL:
            raise ValidationError(_("Only a conditional attribution waits for a document."))
        if locked.condition_met_on is not None:
            return locked
        if locked.condition_lapsed_on is not None or (
            locked.document_deadline is not None and locked.document_deadline < today
        ):
            raise ValidationError(
                _("The deadline has passed: this conditional attribution has lapsed.")
            )
        locked.condition_met_on = today
        locked.save(update_fields=["condition_met_on"])
        application = locked.application
        received = list(application.documents_received or ())
        application.documents_received = received + [
            code for code in SUSPENSIVE_DOCUMENTS if code not in received
        ]
        application.save(update_fields=["documents_received", "updated_at"])
        audit.record(
            action="condition.document_received",
            organisation=locked.organisation,
            actor=actor,
            obj=locked,
            changes={"document": locked.missing_document, "received_on": today},
        )
        _offer_next(locked.item, actor)
    return locked


def conditions_lapse(*, today: dt.date | None = None) -> int:
    """Lapse every conditional attribution past its deadline without the document, and pass
    the offer on; each in its own transaction, re-checked under the row lock."""
    today = today or timezone.localdate()
    due = Candidate.objects.filter(
        decision=DecisionType.CONDITIONAL,
        condition_met_on__isnull=True,
        condition_lapsed_on__isnull=True,
        document_deadline__lt=today,
    ).exclude(letters__kind=LetterKind.OFFER)
    lapsed = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            candidate = Candidate.objects.select_for_update().filter(
                pk=pk, condition_met_on__isnull=True, condition_lapsed_on__isnull=True
            )
            candidate = candidate.select_related("item", "organisation").first()
            if candidate is None:
                continue
            condition_lapse(candidate, actor=None, today=today)
            _offer_next(candidate.item, None)
            lapsed += 1
    return lapsed
