"""Offer deadlines from receipt (working days) and conditional attributions waiting for a
document (R441-3 c, R441-10 CCH)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relais.allocation import deadlines
from relais.allocation.letters import services as letters
from relais.allocation.letters.offers import (
    condition_document_receive,
    conditions_lapse,
    offer_receipt_record,
)
from relais.allocation.letters.tasks import lapse_offers
from relais.allocation.models import (
    ApplicationStatus,
    Letter,
    LetterKind,
    OfferAnswer,
    ReceiptKind,
    VacancyStatus,
)
from relais.core.models import AuditEvent

from .factories_letters import closed_session, send_all

pytestmark = pytest.mark.usefixtures("ceilings_loaded")
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def outcome(organisation):
    world = closed_session(organisation)
    for candidate in (world.first, world.second, world.conditional):
        candidate.application.status = ApplicationStatus.PROPOSED
        candidate.application.save()
    letters.letters_after_close(world.session)
    send_all(world.session)
    return world


def _offer(candidate):
    return Letter.objects.get(candidate=candidate, kind=LetterKind.OFFER)


def test_a_new_offer_is_due_ten_days_after_the_assumed_receipt(outcome, settings):
    offer = _offer(outcome.first)
    sent_on = timezone.localdate(offer.sent_at)
    assert offer.answer_due_on == deadlines.answer_due_on(sent_on=sent_on, postal_delay_days=3)
    assert offer.answer_due_on >= sent_on + dt.timedelta(days=13)
    assert deadlines.is_working_day(offer.answer_due_on, "37")


def test_an_offer_due_saturday_14_march_2026_does_not_lapse_on_sunday_15(outcome):
    offer = _offer(outcome.first)
    offer.sent_at = dt.datetime(2026, 3, 2, 10, tzinfo=PARIS)
    offer.save(update_fields=["sent_at"])
    # Received Wednesday 4 March: day 10 is Saturday 14 March → Monday 16 March.
    offer = offer_receipt_record(
        letter=offer, actor=None, received_on=dt.date(2026, 3, 4), kind=ReceiptKind.REGISTERED
    )
    assert offer.answer_due_on == dt.date(2026, 3, 16)
    assert letters.offers_lapse(today=dt.date(2026, 3, 15)) == 0
    assert letters.offers_lapse(today=dt.date(2026, 3, 16)) == 0
    assert _offer(outcome.first).answer == OfferAnswer.PENDING
    assert letters.offers_lapse(today=dt.date(2026, 3, 17)) == 1
    assert _offer(outcome.first).answer == OfferAnswer.LAPSED
    assert _offer(outcome.second).answer == OfferAnswer.PENDING  # passed to the next ranked
    event = AuditEvent.objects.get(action="offer.receipt_recorded")
    assert event.changes["answer_due_on"][1] == "2026-03-16"


def test_a_receipt_before_the_sending_or_after_today_is_refused(outcome):
    offer = _offer(outcome.first)
    sent_on = timezone.localdate(offer.sent_at)
    for day in (sent_on - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            offer_receipt_record(letter=offer, actor=None, received_on=day, kind="registered")
    with pytest.raises(ValidationError):
        offer_receipt_record(letter=offer, actor=None, received_on=sent_on, kind="pigeon")
    # Twice the same receipt: one event.
    for _ in range(2):
        offer_receipt_record(letter=offer, actor=None, received_on=sent_on, kind="handed_over")
    assert AuditEvent.objects.filter(action="offer.receipt_recorded").count() == 1


def _refuse_the_ranked(outcome):
    for candidate in (outcome.first, outcome.second):
        send_all(outcome.session)  # the next ranked's offer is drafted on a refusal
        letters.offer_answer(
            letter=_offer(candidate), actor=outcome.president.user, answer=OfferAnswer.REFUSED
        )


def test_a_conditional_attribution_waits_for_its_document(outcome):
    _refuse_the_ranked(outcome)
    assert not Letter.objects.filter(candidate=outcome.conditional, kind=LetterKind.OFFER)
    vacancy = outcome.item.vacancy
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.ALLOCATED  # held for the conditional candidate
    condition_document_receive(candidate=outcome.conditional, actor=outcome.president.user)
    offer = _offer(outcome.conditional)
    assert (offer.answer, offer.status) == (OfferAnswer.PENDING, "draft")
    outcome.conditional.refresh_from_db()
    assert outcome.conditional.condition_met_on == timezone.localdate()
    outcome.conditional.application.refresh_from_db()
    assert "tax_notice_n2" in outcome.conditional.application.documents_received
    # A second click changes nothing.
    condition_document_receive(candidate=outcome.conditional, actor=outcome.president.user)
    assert AuditEvent.objects.filter(action="condition.document_received").count() == 1


def test_past_its_deadline_the_conditional_attribution_lapses(outcome):
    _refuse_the_ranked(outcome)
    deadline = outcome.conditional.document_deadline
    assert conditions_lapse(today=deadline) == 0  # the last day is still open
    assert conditions_lapse(today=deadline + dt.timedelta(days=1)) == 1
    outcome.conditional.refresh_from_db()
    assert outcome.conditional.condition_lapsed_on == deadline + dt.timedelta(days=1)
    assert not Letter.objects.filter(candidate=outcome.conditional, kind=LetterKind.OFFER)
    outcome.item.vacancy.refresh_from_db()
    assert outcome.item.vacancy.status == VacancyStatus.READY  # nobody left in the ranking
    outcome.conditional.application.refresh_from_db()
    assert outcome.conditional.application.status == ApplicationStatus.ACTIVE
    with pytest.raises(ValidationError, match="lapsed|caduque"):
        condition_document_receive(candidate=outcome.conditional, actor=None)
    assert conditions_lapse(today=deadline + dt.timedelta(days=2)) == 0


def test_the_daily_task_lapses_conditions_too(outcome, settings):
    _refuse_the_ranked(outcome)
    outcome.conditional.document_deadline = timezone.localdate() - dt.timedelta(days=1)
    outcome.conditional.save(update_fields=["document_deadline"])
    assert lapse_offers.call() == 1
