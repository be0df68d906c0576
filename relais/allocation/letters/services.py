"""Letters to applicants after a session, and the offer cycle.

After the close, ``letters_after_close`` drafts one letter per decided candidate and kind: the
non-attribution, inadmissibility and conditional decision letters, a "ranked attribution"
letter telling candidates ranked 2 and below their rank, and the offer to the best ranked
attributed candidate. Nothing is sent here: an officer reviews each draft and sends it
(``sending.py``). A sent offer waits ten days (article R441-10 CCH): a refusal or silence
(``offers_lapse``) drafts the offer to the next ranked candidate; when nobody is left the
vacancy is ready to be put on another agenda. Everything is idempotent: the ``(candidate,
kind)`` unique constraint makes a letter exist once, and answers lock the letter row.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from .. import deadlines
from ..applications.services import application_set_status
from ..models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    Candidate,
    DecisionType,
    ItemStatus,
    Letter,
    LetterKind,
    LetterStatus,
    OfferAnswer,
    Session,
    Vacancy,
    VacancyStatus,
)
from ..vacancies.services import vacancy_transition

ATTRIBUTED = (DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL)
DECISION_LETTER = {
    DecisionType.NON_ATTRIBUTION: LetterKind.NON_ATTRIBUTION,
    DecisionType.INADMISSIBLE: LetterKind.INADMISSIBLE,
    DecisionType.CONDITIONAL: LetterKind.CONDITIONAL,
}


def session_letters(session: Session):
    return (
        Letter.objects.for_organisation(session.organisation_id)
        .filter(candidate__item__session=session)
        .select_related("candidate__application", "candidate__item__vacancy__dwelling")
        .order_by("candidate__item__position", "candidate__proposed_rank", "kind")
    )


def _candidates(queryset):
    return queryset.select_related(
        "organisation",
        "application",
        "item__session__commission",
        "item__vacancy__dwelling__building__commune",
    )


def _letter_draft(candidate: Candidate, kind: str, actor) -> Letter | None:
    """Draft the letter unless it exists; returns it only when this call created it. A
    draft has no PDF, no sending date and no deadline: the officer reviews and sends it."""
    letter, created = Letter.objects.get_or_create(
        candidate=candidate,
        kind=kind,
        defaults={
            "organisation_id": candidate.organisation_id,
            "answer": OfferAnswer.PENDING if kind == LetterKind.OFFER else "",
        },
    )
    if not created:
        return None
    audit.record(
        action="letter.created",
        organisation=candidate.organisation,
        actor=actor,
        obj=letter,
        changes={"kind": kind},
    )
    return letter


def _vacancy_move(vacancy_id: int, *, to: str, allowed: tuple, actor) -> None:
    """Move the vacancy through the pipeline if it is still in one of ``allowed`` (checked
    under the row lock, so repeating or racing it is harmless)."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy_id)
    if vacancy.status in allowed:
        vacancy_transition(vacancy=vacancy, actor=actor, to=to)


def offer_due_on(candidate: Candidate, *, sent_on: dt.date, received_on=None) -> dt.date:
    """The last day to answer an offer to ``candidate`` (``deadlines.answer_due_on``, with the
    dwelling's département for its local holidays)."""
    commune = candidate.item.vacancy.dwelling.building.commune
    return deadlines.answer_due_on(
        sent_on=sent_on,
        received_on=received_on,
        postal_delay_days=settings.RELAIS_OFFER_POSTAL_DELAY_DAYS,
        departement_code=commune.departement_id,
    )


def _offer_next(item: AgendaItem, actor) -> Letter | None:
    """Offer the item's dwelling to the best ranked attributed candidate not offered it yet.

    Nothing while an offer is pending or accepted. A conditional attribution waits for its
    document (recorded by staff) until its deadline, then lapses and the next ranked comes
    (R441-3 c). The vacancy goes back to "ready" when the ranked list is exhausted (unless it
    is already on a later agenda: that item owns it now).
    """
    offers = Letter.objects.filter(candidate__item=item, kind=LetterKind.OFFER)
    if offers.filter(answer__in=[OfferAnswer.PENDING, OfferAnswer.ACCEPTED]).exists():
        return None
    if AgendaItem.objects.filter(vacancy_id=item.vacancy_id, pk__gt=item.pk).exists():
        return None
    waiting = (
        _candidates(item.candidates.filter(decision__in=ATTRIBUTED))
        .exclude(letters__kind=LetterKind.OFFER)
        .filter(condition_lapsed_on__isnull=True)
        .order_by(F("decided_rank").asc(nulls_last=True), "proposed_rank")
    )
    today = timezone.localdate()
    for candidate in waiting:
        allocated = (VacancyStatus.ON_AGENDA, VacancyStatus.READY)
        if candidate.decision == DecisionType.CONDITIONAL and candidate.condition_met_on is None:
            if candidate.document_deadline is None or candidate.document_deadline >= today:
                _vacancy_move(
                    item.vacancy_id, to=VacancyStatus.ALLOCATED, allowed=allocated, actor=actor
                )
                return None  # the offer waits for the missing document
            condition_lapse(candidate, actor=actor, today=today)
            continue
        _vacancy_move(item.vacancy_id, to=VacancyStatus.ALLOCATED, allowed=allocated, actor=actor)
        return _letter_draft(candidate, LetterKind.OFFER, actor)
    _vacancy_move(
        item.vacancy_id,
        to=VacancyStatus.READY,
        allowed=(VacancyStatus.ON_AGENDA, VacancyStatus.ALLOCATED),
        actor=actor,
    )
    return None


def condition_lapse(candidate: Candidate, *, actor, today: dt.date) -> None:
    """A conditional attribution whose deadline passed without the document lapses (the
    candidate row is locked by the caller's transaction); the applicant is free again."""
    candidate.condition_lapsed_on = today
    candidate.save(update_fields=["condition_lapsed_on"])
    audit.record(
        action="condition.lapsed",
        organisation=candidate.organisation,
        actor=actor,
        obj=candidate,
        changes={"document_deadline": candidate.document_deadline, "lapsed_on": today},
    )
    _release([candidate.application_id], actor)


def _decision_kind(candidate: Candidate) -> str | None:
    """The decision letter of a candidate: its refusal or condition, or, attributed at rank 2
    or below, the letter telling them their rank (the offer itself comes in turn)."""
    if candidate.decision in DECISION_LETTER:
        return DECISION_LETTER[candidate.decision]
    if candidate.decision in ATTRIBUTED and (candidate.decided_rank or 1) > 1:
        return LetterKind.RANKED
    return None


def letters_after_close(session: Session, *, actor=None) -> list[Letter]:
    """Draft the letters of a closed session's decisions; returns those this call created.

    Calling it again creates nothing twice (it also resumes an interrupted run). Nothing is
    sent: each draft waits for an officer's review (``sending.letter_review``).
    """
    created = []
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=session.pk).first()
        items = session.items.filter(status=ItemStatus.DECIDED).order_by("position", "pk")
        for item in items:
            candidates = _candidates(item.candidates.exclude(decision=""))
            for candidate in candidates.order_by("proposed_rank"):
                kind = _decision_kind(candidate)
                if kind is not None:
                    created.append(_letter_draft(candidate, kind, actor))
            created.append(_offer_next(item, actor))
    return [letter for letter in created if letter is not None]


def _release(application_ids, actor) -> None:
    """Proposed applications with nothing left pending (no item to decide, no offer awaiting
    an answer) become active again, so they can be proposed for other dwellings."""
    pending_item = Candidate.objects.filter(
        application=OuterRef("pk"), item__status=ItemStatus.PENDING
    )
    pending_offer = Letter.objects.filter(
        candidate__application=OuterRef("pk"), kind=LetterKind.OFFER, answer=OfferAnswer.PENDING
    )
    idle = Application.objects.filter(
        pk__in=application_ids, status=ApplicationStatus.PROPOSED
    ).filter(~Exists(pending_item), ~Exists(pending_offer))
    for application in idle:
        application_set_status(
            actor=actor, application=application, status=ApplicationStatus.ACTIVE
        )


def _offer_close(letter: Letter, *, answer: str, actor) -> None:
    """Record the end of a pending offer (letter locked by the caller) and its consequences.

    Accepted: the application is allocated and the candidates still waiting behind it are
    released. Refused or lapsed: the applicant is released and the offer passes on.
    """
    letter.answer = answer
    letter.answered_at = timezone.now()
    letter.save(update_fields=["answer", "answered_at"])
    audit.record(
        action=f"offer.{answer}",
        organisation=letter.organisation,
        actor=actor,
        obj=letter,
        changes={"answer": [OfferAnswer.PENDING, answer]},
    )
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related(
        "application", "item"
    )
    candidate = candidate.get(pk=letter.candidate_id)
    if answer != OfferAnswer.ACCEPTED:
        _release([candidate.application_id], actor)
        _offer_next(candidate.item, actor)
        return
    application_set_status(
        actor=actor, application=candidate.application, status=ApplicationStatus.ALLOCATED
    )
    waiting = candidate.item.candidates.filter(decision__in=ATTRIBUTED).exclude(
        letters__kind=LetterKind.OFFER
    )
    _release(list(waiting.values_list("application_id", flat=True)), actor)


@write_transaction
def offer_answer(*, letter: Letter, actor, answer: str) -> Letter:
    """The officer records the applicant's answer to an offer (accepted or refused).

    Recording the same answer twice is harmless; changing a recorded answer is refused.
    """
    if answer not in (OfferAnswer.ACCEPTED, OfferAnswer.REFUSED):
        raise ValidationError(_("Choose accepted or refused."))
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.kind != LetterKind.OFFER:
            raise ValidationError(_("Only an offer has an answer."))
        if locked.status != LetterStatus.SENT:
            raise ValidationError(_("This offer has not been sent yet: send it first."))
        if locked.answer == answer:
            return locked
        if locked.answer != OfferAnswer.PENDING:
            raise ValidationError(
                _("This offer is already closed: %(answer)s.")
                % {"answer": locked.get_answer_display()}
            )
        _offer_close(locked, answer=answer, actor=actor)
    return locked


def offers_lapse(*, today: dt.date | None = None, organisation=None, session=None) -> int:
    """Mark the offers unanswered after their due date as lapsed and pass them on.

    Silence is a refusal (article R441-10 CCH). Each offer is handled in its own transaction
    with its row locked and re-checked, so a concurrent answer or run is never undone.
    """
    today = today or timezone.localdate()
    due = Letter.objects.filter(
        kind=LetterKind.OFFER,
        status=LetterStatus.SENT,  # a draft's period has not started
        answer=OfferAnswer.PENDING,
        answer_due_on__lt=today,
    )
    if organisation is not None:
        due = due.for_organisation(organisation)
    if session is not None:
        due = due.filter(candidate__item__session=session)
    lapsed = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            pending = Letter.objects.select_for_update().filter(pk=pk, answer=OfferAnswer.PENDING)
            letter = pending.first()
            if letter is None:
                continue
            _offer_close(letter, answer=OfferAnswer.LAPSED, actor=None)
            lapsed += 1
    return lapsed
