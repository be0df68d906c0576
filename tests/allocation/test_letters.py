"""Letters after a session and the offer cycle: drafts at the close, sending, offer, answer,
lapse, next ranked, exhaustion. (Review, reasons and contents: test_letter_review.py.)"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from relais.allocation.deadlines import answer_due_on
from relais.allocation.letters import sending
from relais.allocation.letters import services as letters
from relais.allocation.letters.offers import condition_document_receive
from relais.allocation.models import (
    ApplicationStatus,
    ItemStatus,
    Letter,
    LetterKind,
    LetterStatus,
    OfferAnswer,
    Vacancy,
    VacancyStatus,
)
from relais.core.audit import verify_all
from relais.core.models import AuditEvent
from relais.core.outbox.models import OutboxMessage, OutboxStatus
from relais.core.outbox.purposes import purpose_label

from .factories import AgendaItemFactory, CandidateFactory
from .factories_letters import closed_session, pdf_text, review, send_all

pytestmark = pytest.mark.usefixtures("ceilings_loaded")


@pytest.fixture
def outcome(organisation):
    world = closed_session(organisation)
    # As the close leaves them: attributed candidates stay proposed until their offer ends.
    for candidate in (world.first, world.second, world.conditional):
        candidate.application.status = ApplicationStatus.PROPOSED
        candidate.application.save()
    return world


def _kinds(candidate):
    return set(Letter.objects.filter(candidate=candidate).values_list("kind", flat=True))


def _offer(candidate):
    return Letter.objects.get(candidate=candidate, kind=LetterKind.OFFER)


def _send_offer(candidate):
    """Review and send the candidate's drafted offer (the officer's two steps)."""
    review(_offer(candidate))
    return sending.letter_send(letter=_offer(candidate), actor=None)


def test_one_letter_per_decision_and_the_offer_to_the_first_ranked(outcome):
    created = letters.letters_after_close(outcome.session)

    assert len(created) == 5
    assert _kinds(outcome.first) == {LetterKind.OFFER}
    assert _kinds(outcome.second) == {LetterKind.RANKED}  # told their rank; the offer waits
    assert _kinds(outcome.conditional) == {LetterKind.CONDITIONAL}
    assert _kinds(outcome.refused) == {LetterKind.NON_ATTRIBUTION}
    assert _kinds(outcome.inadmissible) == {LetterKind.INADMISSIBLE}
    assert not Letter.objects.filter(candidate__item=outcome.sent_back).exists()
    outcome.item.vacancy.refresh_from_db()
    assert outcome.item.vacancy.status == VacancyStatus.ALLOCATED


def test_the_close_drafts_letters_and_sends_nothing(outcome, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letters.letters_after_close(outcome.session)
    drafts = Letter.objects.all()
    assert {letter.status for letter in drafts} == {LetterStatus.DRAFT}
    assert not drafts.filter(pdf__isnull=False).exists()
    assert not drafts.filter(sent_at__isnull=False).exists()
    # A draft offer's period has not started: no deadline, and it never lapses.
    assert _offer(outcome.first).answer_due_on is None
    assert letters.offers_lapse(today=timezone.localdate() + dt.timedelta(days=60)) == 0
    assert mail.outbox == []


def test_writing_letters_twice_creates_nothing_twice(outcome):
    letters.letters_after_close(outcome.session)
    assert letters.letters_after_close(outcome.session) == []
    assert Letter.objects.count() == 5
    assert AuditEvent.objects.filter(action="letter.created").count() == 5


def test_offer_gives_ten_days_to_answer(outcome):
    letters.letters_after_close(outcome.session)
    send_all(outcome.session)
    offer = _offer(outcome.first)
    assert offer.answer == OfferAnswer.PENDING
    # 10 days from the day after the assumed receipt (sending + 3 days), to a working day.
    sent_on = timezone.localdate(offer.sent_at)
    assert offer.answer_due_on == answer_due_on(sent_on=sent_on, postal_delay_days=3)
    assert offer.answer_due_on >= sent_on + dt.timedelta(days=13)
    others = Letter.objects.exclude(kind=LetterKind.OFFER)
    assert not others.filter(answer_due_on__isnull=False).exists()
    assert set(others.values_list("answer", flat=True)) == {""}


def test_offer_letter_carries_what_the_law_and_the_applicant_need(outcome):
    letters.letters_after_close(outcome.session)
    offer = _send_offer(outcome.first)
    text = pdf_text(offer.pdf)
    application = outcome.first.application
    assert outcome.session.organisation.name in text
    assert "Joëlle Lefèvre" in text
    assert "12 rue de la Fontaine Appartement 3 37000 Tours" in text
    assert application.registration_number in text
    assert "3 allée des Peupliers, 37000 Tours" in text and "T3" in text
    assert "1 234,56 € hors charges, 90,50 € de provisions pour charges" in text
    assert "article R441-10" in text and "dix jours" in text
    day = offer.answer_due_on
    assert f"jusqu’au {day.day} " in text and str(day.year) in text
    assert "équivaut à un refus" in text


def test_conditional_letter_carries_the_document_and_its_deadline(outcome):
    letters.letters_after_close(outcome.session)
    send_all(outcome.session)
    letter = Letter.objects.get(candidate=outcome.conditional, kind=LetterKind.CONDITIONAL)
    conditional = pdf_text(letter.pdf)
    assert "condition suspensive" in conditional
    assert "Pièce à fournir : Avis d'imposition 2025" in conditional
    assert "Au plus tard le : 15 décembre 2026" in conditional
    assert "rang n° 3" in conditional


def test_offer_is_emailed_with_the_pdf_through_the_outbox(
    outcome, smtp_server, django_capture_on_commit_callbacks
):
    letters.letters_after_close(outcome.session)
    with django_capture_on_commit_callbacks(execute=True):
        send_all(outcome.session)
        send_all(outcome.session)  # sent twice: one e-mail
    offer = _offer(outcome.first)
    # Only the offer, only to the applicant with an e-mail: recorded in the outbox, sent.
    [queued] = OutboxMessage.objects.all()
    assert (queued.purpose, queued.status) == ("allocation.offer_letter", OutboxStatus.SENT)
    assert purpose_label(queued.purpose) == "Proposition de logement"
    [message] = smtp_server.messages
    assert message["To"] == "joelle.lefevre@example.org"
    number = outcome.first.application.registration_number
    assert number in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"proposition-de-logement-{number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == bytes(offer.pdf)
    assert AuditEvent.objects.filter(action="letter.emailed", object_id=str(offer.pk)).exists()


def test_no_email_before_the_transaction_commits(
    outcome, smtp_server, django_capture_on_commit_callbacks
):
    letters.letters_after_close(outcome.session)
    with django_capture_on_commit_callbacks(execute=False):
        send_all(outcome.session)
    assert smtp_server.messages == []


def test_refusal_passes_the_offer_to_the_next_ranked(outcome):
    letters.letters_after_close(outcome.session)
    officer = outcome.president.user
    _send_offer(outcome.first)
    letters.offer_answer(letter=_offer(outcome.first), actor=officer, answer=OfferAnswer.REFUSED)

    assert _offer(outcome.first).answer == OfferAnswer.REFUSED
    next_offer = _offer(outcome.second)
    assert (next_offer.answer, next_offer.status) == (OfferAnswer.PENDING, LetterStatus.DRAFT)
    outcome.first.application.refresh_from_db()
    assert outcome.first.application.status == ApplicationStatus.ACTIVE
    assert "au rang n° 2" in pdf_text(_send_offer(outcome.second).pdf)
    # A double click records nothing more; changing a recorded answer is refused.
    letters.offer_answer(letter=_offer(outcome.first), actor=officer, answer=OfferAnswer.REFUSED)
    with pytest.raises(ValidationError):
        letters.offer_answer(
            letter=_offer(outcome.first), actor=officer, answer=OfferAnswer.ACCEPTED
        )
    assert Letter.objects.filter(kind=LetterKind.OFFER).count() == 2
    assert AuditEvent.objects.filter(action="offer.refused").count() == 1


def test_silence_lapses_the_offer_and_passes_it_on(outcome):
    letters.letters_after_close(outcome.session)
    _send_offer(outcome.first)
    due = _offer(outcome.first).answer_due_on
    assert letters.offers_lapse(today=due) == 0  # the last day is still open
    assert letters.offers_lapse(today=due + dt.timedelta(days=1)) == 1
    assert _offer(outcome.first).answer == OfferAnswer.LAPSED
    assert _offer(outcome.second).answer == OfferAnswer.PENDING
    assert letters.offers_lapse(today=due) == 0
    assert AuditEvent.objects.filter(action="offer.lapsed").count() == 1


def test_exhausted_list_puts_the_vacancy_back_to_ready(outcome):
    letters.letters_after_close(outcome.session)
    officer = outcome.president.user
    for candidate in (outcome.first, outcome.second):
        _send_offer(candidate)
        letters.offer_answer(letter=_offer(candidate), actor=officer, answer=OfferAnswer.REFUSED)
    # The conditional attribution's offer waits for its document (R441-3 c).
    assert _kinds(outcome.conditional) == {LetterKind.CONDITIONAL}
    condition_document_receive(candidate=outcome.conditional, actor=officer)
    _send_offer(outcome.conditional)
    letters.offer_answer(
        letter=_offer(outcome.conditional), actor=officer, answer=OfferAnswer.REFUSED
    )
    vacancy = outcome.item.vacancy
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.READY and vacancy.allocated_on is None
    # The conditional candidate's offer repeated the condition.
    assert "Avis d'imposition 2025" in pdf_text(_offer(outcome.conditional).pdf)
    offered = Letter.objects.filter(kind=LetterKind.OFFER).values_list("candidate", flat=True)
    assert set(offered) == {outcome.first.pk, outcome.second.pk, outcome.conditional.pk}
    assert not Letter.objects.filter(answer=OfferAnswer.PENDING).exists()
    assert verify_all()[1] == []


def test_acceptance_allocates_the_application_and_stops_the_cycle(outcome):
    letters.letters_after_close(outcome.session)
    _send_offer(outcome.first)
    letters.offer_answer(
        letter=_offer(outcome.first), actor=outcome.president.user, answer=OfferAnswer.ACCEPTED
    )
    outcome.first.application.refresh_from_db()
    assert outcome.first.application.status == ApplicationStatus.ALLOCATED
    outcome.item.vacancy.refresh_from_db()
    assert outcome.item.vacancy.status == VacancyStatus.ALLOCATED
    assert letters.letters_after_close(outcome.session) == []
    assert letters.offers_lapse(today=timezone.localdate() + dt.timedelta(days=30)) == 0
    assert _kinds(outcome.second) == {LetterKind.RANKED}


def test_only_sent_offers_have_answers(outcome):
    letters.letters_after_close(outcome.session)
    with pytest.raises(ValidationError, match="pas encore été envoyée"):
        letters.offer_answer(letter=_offer(outcome.first), actor=None, answer="accepted")
    assert _offer(outcome.first).answer == OfferAnswer.PENDING
    send_all(outcome.session)
    letter = Letter.objects.get(candidate=outcome.refused)
    with pytest.raises(ValidationError):
        letters.offer_answer(letter=letter, actor=None, answer=OfferAnswer.ACCEPTED)
    with pytest.raises(ValidationError):
        letters.offer_answer(letter=_offer(outcome.first), actor=None, answer=OfferAnswer.LAPSED)


def test_undecided_items_get_no_letters(outcome):
    outcome.item.status = ItemStatus.POSTPONED
    outcome.item.save()
    assert letters.letters_after_close(outcome.session) == []


def test_the_lapse_task_lapses_overdue_offers(outcome):
    from relais.allocation.letters.tasks import lapse_offers

    letters.letters_after_close(outcome.session)
    _send_offer(outcome.first)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Letter.objects.filter(candidate=outcome.first).update(answer_due_on=yesterday)
    result = lapse_offers.enqueue()
    assert result.return_value == 1
    assert _offer(outcome.first).answer == OfferAnswer.LAPSED
    assert _offer(outcome.second).answer == OfferAnswer.PENDING


def test_after_the_close_the_minutes_and_letters_are_written(outcome):
    from relais.allocation.commissions.tasks import session_after_close

    session_after_close.enqueue(outcome.session.pk)
    session_after_close.enqueue(outcome.session.pk)
    outcome.session.refresh_from_db()
    assert outcome.session.minutes_pdf is not None
    assert Letter.objects.count() == 5
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.DRAFT}


def test_names_are_printed_as_typed_never_as_typst_markup(outcome):
    application = outcome.refused.application
    application.applicant_last_name = '*Dupont* #import "x.typ" $y$ <z>'
    application.save()
    letters.letters_after_close(outcome.session)
    send_all(outcome.session)
    text = pdf_text(Letter.objects.get(candidate=outcome.refused).pdf)
    assert 'Joëlle *Dupont* #import "x.typ" $y$ <z>' in text


def test_accepting_releases_the_candidates_still_waiting(outcome):
    letters.letters_after_close(outcome.session)
    _send_offer(outcome.first)
    letters.offer_answer(letter=_offer(outcome.first), actor=None, answer=OfferAnswer.ACCEPTED)
    for candidate in (outcome.second, outcome.conditional):
        candidate.application.refresh_from_db()
        assert candidate.application.status == ApplicationStatus.ACTIVE


def test_a_refusal_keeps_an_application_proposed_while_it_waits_elsewhere(outcome):
    letters.letters_after_close(outcome.session)
    _send_offer(outcome.first)
    elsewhere = AgendaItemFactory(session__commission=outcome.session.commission)
    CandidateFactory(item=elsewhere, application=outcome.first.application, proposed_rank=1)
    letters.offer_answer(letter=_offer(outcome.first), actor=None, answer=OfferAnswer.REFUSED)
    outcome.first.application.refresh_from_db()
    assert outcome.first.application.status == ApplicationStatus.PROPOSED


def test_an_old_session_never_moves_a_vacancy_put_on_a_later_agenda(outcome):
    letters.letters_after_close(outcome.session)
    for candidate in (outcome.first, outcome.second):
        _send_offer(candidate)
        letters.offer_answer(letter=_offer(candidate), actor=None, answer=OfferAnswer.REFUSED)
    condition_document_receive(candidate=outcome.conditional, actor=None)
    _send_offer(outcome.conditional)
    letters.offer_answer(letter=_offer(outcome.conditional), actor=None, answer="refused")
    vacancy = outcome.item.vacancy
    AgendaItemFactory(session__commission=outcome.session.commission, vacancy=vacancy)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=VacancyStatus.ON_AGENDA)
    assert letters.letters_after_close(outcome.session) == []
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.ON_AGENDA
