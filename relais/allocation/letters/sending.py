"""What a letter says, its review by an officer and its sending.

A letter is drafted at the close (``services.letters_after_close``). The officer reviews it:
picks its reasons from the organisation's standard list for the decision type
(``reasons.py``) and may add wording (``letter_review``); then sends it, alone or with every
reviewed letter of the session (``letter_send``, ``letters_send_reviewed``). Only then is the
PDF rendered and stored, an offer's answer period started, and the offer e-mailed.

What is printed comes from the file, the officer's choices and the landlord's contact block
(the agency of the dwelling's residence), never from the members' notes: ``Position.reason``
and ``Candidate.decision_reason`` stay in the minutes. A non-attribution or an
inadmissibility also carries the applicant's remedies (``typst/letter.typ``).
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.outbox import queue_message
from relais.core.phones import national, parse_phone

from .. import pdf
from ..commissions.minutes import dwelling_data
from ..models import (
    Candidate,
    Letter,
    LetterKind,
    LetterReason,
    LetterStatus,
    PriorityCriterion,
    Session,
)
from ..models.letters import REASON_REQUIRED
from .services import _candidates, offer_due_on

# The outbox purpose of an offer's e-mail (registered in ``allocation.audit_actions``).
OFFER_PURPOSE = "allocation.offer_letter"
WORDING_MAX = 1500
FILE_NAMES = {
    LetterKind.OFFER: "proposition-de-logement",
    LetterKind.RANKED: "attribution-avec-classement",
    LetterKind.NON_ATTRIBUTION: "non-attribution",
    LetterKind.CONDITIONAL: "attribution-sous-condition",
    LetterKind.INADMISSIBLE: "irrecevabilite",
}


def letters_with_context():
    """Letters with what their pages and PDFs read, in one query."""
    return Letter.objects.select_related(
        "organisation",
        "candidate__application",
        "candidate__item__session__commission",
        "candidate__item__vacancy__dwelling__building__commune",
        "candidate__item__vacancy__dwelling__building__residence__agency",
    )


def letter_filename(letter: Letter) -> str:
    number = slugify(letter.candidate.application.registration_number)
    prefix = "" if letter.is_sent else "projet-"
    return f"{prefix}{FILE_NAMES[letter.kind]}-{number}.pdf"


# The landlord's contact block ------------------------------------------------------------


def _agency(candidate: Candidate):
    return candidate.item.vacancy.dwelling.building.residence.agency


def contact_problem(candidate: Candidate) -> str:
    """Why the letter cannot carry the landlord's contact block ("" when it can): the
    dwelling's residence needs an agency with an address, a phone and an e-mail."""
    agency = _agency(candidate)
    residence = candidate.item.vacancy.dwelling.building.residence
    if agency is None:
        return _(
            "The residence %(residence)s has no agency: attach one, with its address, phone "
            "and e-mail, so that the letter tells the applicant whom to contact."
        ) % {"residence": residence.name}
    missing = [
        label
        for label, value in (
            (_("address"), agency.address and agency.postcode and agency.city),
            (_("phone"), agency.phone),
            (_("e-mail"), agency.email),
        )
        if not value
    ]
    if missing:
        return _("The agency %(agency)s lacks: %(missing)s. Complete it before sending.") % {
            "agency": agency.name,
            "missing": ", ".join(missing),
        }
    return ""


def landlord_contact(candidate: Candidate) -> dict:
    """The contact block printed on every letter: the agency of the dwelling's residence."""
    agency = _agency(candidate)
    if agency is None:
        return {"agency": "", "address_lines": [], "phone": "", "email": ""}
    number = parse_phone(agency.phone)
    city = f"{agency.postcode} {agency.city}".strip()
    return {
        "agency": agency.name,
        "address_lines": [line for line in (agency.address, city) if line],
        "phone": national(number) if number else agency.phone,
        "email": agency.email,
    }


# What a letter shows ---------------------------------------------------------------------


def _address_lines(address: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,]", address) if part.strip()]


def letter_data(letter: Letter, *, sent_on: dt.date, answer_due_on=None, draft=False) -> dict:
    """What a letter shows, formatted the French way (the typst templates' input)."""
    candidate = letter.candidate
    application = candidate.application
    session = candidate.item.session
    return {
        "landlord": candidate.organisation.name,
        "contact": landlord_contact(candidate),
        "draft": draft,
        "date": pdf.fr_date(sent_on),
        "applicant": {
            "name": f"{application.applicant_first_name} {application.applicant_last_name}",
            "address_lines": _address_lines(application.postal_address),
        },
        "registration_number": application.registration_number,
        "commission": session.commission.name,
        "session_date": pdf.fr_date(timezone.localdate(session.closed_at or session.closes_at)),
        "dwelling": dwelling_data(candidate.item.vacancy),
        "rank": str(candidate.decided_rank or ""),
        "reasons": [reason.text for reason in letter.reasons.all()],
        "wording": letter.wording,
        "remedies": letter.kind in REASON_REQUIRED,
        "dalo": PriorityCriterion.DALO in (application.priority_criteria or ()),
        "missing_document": candidate.missing_document,
        "document_deadline": pdf.fr_date(candidate.document_deadline),
        "answer_due_on": pdf.fr_date(answer_due_on),
    }


def _render(letter: Letter, *, at: dt.datetime, answer_due_on, draft: bool) -> bytes:
    data = letter_data(
        letter, sent_on=timezone.localdate(at), answer_due_on=answer_due_on, draft=draft
    )
    return pdf.render(letter.kind, data, created_at=at)


def letter_preview(letter: Letter) -> bytes:
    """The draft as it would be sent today, marked "projet" (rendered, never stored)."""
    now = timezone.now()
    due = None
    if letter.kind == LetterKind.OFFER:
        due = offer_due_on(letter.candidate, sent_on=timezone.localdate(now))
    return _render(letter, at=now, answer_due_on=due, draft=True)


# Review and sending ----------------------------------------------------------------------


@transaction.atomic
def letter_review(*, letter: Letter, actor, reasons, wording: str = "") -> Letter:
    """The officer's review: the reasons (standard list of the letter's decision type, at
    least one for a refusal, article L441-2-2 CCH) and optional wording.

    Raises ``ValidationError`` naming the field for a sent letter, a reason of another type
    or organisation, a withdrawn reason, or wording over ``WORDING_MAX`` characters.
    """
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status == LetterStatus.SENT:
        raise ValidationError(_("This letter has been sent: it can no longer be changed."))
    reasons = list(reasons)
    allowed = LetterReason.objects.for_organisation(locked.organisation_id).filter(
        kind=locked.reason_kind, is_active=True
    )
    if len({r.pk for r in reasons}) != allowed.filter(pk__in=[r.pk for r in reasons]).count():
        raise ValidationError({"reasons": _("Choose reasons from the list for this letter.")})
    if not reasons and locked.kind in REASON_REQUIRED:
        raise ValidationError(
            {"reasons": _("A refusal is notified with its reasons: choose at least one.")}
        )
    wording = wording.strip()
    if len(wording) > WORDING_MAX:
        raise ValidationError({"wording": _("At most %(max)d characters.") % {"max": WORDING_MAX}})
    locked.reasons.set(reasons)
    locked.wording = wording
    locked.status, locked.reviewed_at, locked.reviewed_by = (
        LetterStatus.REVIEWED,
        timezone.now(),
        actor,
    )
    locked.save(update_fields=["wording", "status", "reviewed_at", "reviewed_by"])
    audit.record(
        action="letter.reviewed",
        organisation=locked.organisation,
        actor=actor,
        obj=locked,
        # The reasons' ids only, and whether wording was added (it may name people).
        changes={"reasons": sorted(r.pk for r in reasons), "wording": bool(wording)},
    )
    return locked


def letter_send(*, letter: Letter, actor) -> Letter:
    """Send a reviewed letter: render and store its PDF, start an offer's answer period
    (``services.offer_due_on``) and e-mail an offer after the commit.

    Sending a sent letter again does nothing. Raises ``ValidationError`` for a letter not
    reviewed, or when the dwelling's agency lacks its contact details.
    """
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.status == LetterStatus.SENT:
            return locked
        if locked.status != LetterStatus.REVIEWED:
            raise ValidationError(_("Review this letter (reasons, wording) before sending it."))
        locked.candidate = _candidates(
            Candidate.objects.select_related("item__vacancy__dwelling__building__residence__agency")
        ).get(pk=locked.candidate_id)
        problem = contact_problem(locked.candidate)
        if problem:
            raise ValidationError(problem)
        now = timezone.now()
        due = None
        if locked.kind == LetterKind.OFFER:
            due = offer_due_on(locked.candidate, sent_on=timezone.localdate(now))
        content = _render(locked, at=now, answer_due_on=due, draft=False)
        locked.pdf, locked.sent_at, locked.answer_due_on = content, now, due
        locked.status = LetterStatus.SENT
        locked.save(update_fields=["pdf", "sent_at", "answer_due_on", "status"])
        audit.record(
            action="letter.sent",
            organisation=locked.organisation,
            actor=actor,
            obj=locked,
            changes={"kind": locked.kind, "answer_due_on": due, "sha256": pdf.sha256(content)},
        )
        if locked.kind == LetterKind.OFFER and locked.candidate.application.email:
            _offer_email_queue(locked)
    return locked


def letters_send_reviewed(*, session: Session, actor) -> tuple[int, list[str]]:
    """Send every reviewed letter of the session, each in its own transaction; returns how
    many left and, for those that could not, "registration number: why"."""
    sent, problems = 0, []
    reviewed = Letter.objects.for_organisation(session.organisation_id).filter(
        candidate__item__session=session, status=LetterStatus.REVIEWED
    )
    for letter in reviewed.select_related("candidate__application").order_by("pk"):
        try:
            letter_send(letter=letter, actor=actor)
        except ValidationError as error:
            number = letter.candidate.application.registration_number
            problems.append(f"{number} : {' '.join(error.messages)}")
        else:
            sent += 1
    return sent, problems


def _offer_email_queue(letter: Letter) -> None:
    """Queue, through the outbox, the e-mail of a sent offer to the applicant (its PDF is
    attached at delivery by ``offer_attachments``); once per letter (``dedupe_key``)."""
    application = letter.candidate.application
    with translation.override("fr"):
        subject = _("%(landlord)s: offer of a dwelling") % {"landlord": letter.organisation.name}
        body = _(
            "Hello,\n\nPlease find attached our offer of the dwelling %(dwelling)s. "
            "You have until %(due)s to accept or refuse it; without an answer by then the offer "
            "is considered refused.\n\nRegistration number: %(number)s\n\n%(landlord)s"
        ) % {
            "dwelling": letter.candidate.item.vacancy.dwelling.reference,
            "due": pdf.fr_date(letter.answer_due_on),
            "number": application.registration_number,
            "landlord": letter.organisation.name,
        }
    message = queue_message(
        organisation=letter.organisation,
        channel="email",
        to=application.email,
        subject=subject,
        body=body,
        purpose=OFFER_PURPOSE,
        dedupe_key=f"{OFFER_PURPOSE}:{letter.pk}",
    )
    audit.record(
        action="letter.emailed",
        organisation=letter.organisation,
        obj=letter,
        changes={"to": application.email, "message": message.pk},
    )


def offer_attachments(message) -> list[tuple[str, bytes, str]]:
    """The outbox's hook for ``OFFER_PURPOSE``: the sent offer's PDF, found from the message's
    ``dedupe_key`` (``"allocation.offer_letter:<letter id>"``)."""
    letter_id = int(message.dedupe_key.rpartition(":")[2])
    letter = Letter.objects.select_related("candidate__application").get(
        pk=letter_id, organisation_id=message.organisation_id
    )
    return [(letter_filename(letter), bytes(letter.pdf), "application/pdf")]
