"""Races on the offer cycle (PostgreSQL only: SQLite serialises every writer anyway).

An officer's refusal, a second click and the lapse task hit the same offer at once; the close's
letters run twice at once; two officers send the same letters at once. Each offer must end
exactly once and pass on exactly once; each letter is sent once.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from relais.allocation.letters import sending
from relais.allocation.letters import services as letters
from relais.allocation.models import Letter, LetterKind, LetterStatus, OfferAnswer
from relais.core.audit import verify_all
from relais.core.models import AuditEvent

from ..concurrency import race
from .factories_letters import closed_session, review, send_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("ceilings_loaded")]


@pytest.fixture
def outcome(organisation):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only contended on PostgreSQL")
    return closed_session(organisation)


def test_letters_written_twice_at_once_exist_once(outcome):
    errors = race(*[lambda: letters.letters_after_close(outcome.session)] * 3)
    assert errors == []
    assert Letter.objects.count() == 5
    assert AuditEvent.objects.filter(action="letter.created").count() == 5


def test_two_officers_sending_the_same_letters_send_each_once(outcome):
    letters.letters_after_close(outcome.session)
    for letter in Letter.objects.all():
        review(letter)
    offer = Letter.objects.get(candidate=outcome.first, kind=LetterKind.OFFER)

    def send_all_reviewed():
        sending.letters_send_reviewed(session=outcome.session, actor=None)

    errors = race(
        send_all_reviewed, send_all_reviewed, lambda: sending.letter_send(letter=offer, actor=None)
    )
    assert errors == []
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.SENT}
    assert AuditEvent.objects.filter(action="letter.sent").count() == 5
    assert verify_all()[1] == []


def test_refusal_double_click_and_lapse_pass_the_offer_once(outcome):
    letters.letters_after_close(outcome.session)
    send_all(outcome.session)
    offer = Letter.objects.get(candidate=outcome.first, kind=LetterKind.OFFER)
    officer = outcome.president.user
    later = timezone.localdate() + dt.timedelta(days=11)

    def refuse():
        letters.offer_answer(letter=offer, actor=officer, answer=OfferAnswer.REFUSED)

    errors = race(refuse, refuse, lambda: letters.offers_lapse(today=later))
    assert errors == []
    offer.refresh_from_db()
    assert offer.answer in (OfferAnswer.REFUSED, OfferAnswer.LAPSED)
    ended = AuditEvent.objects.filter(action__in=["offer.refused", "offer.lapsed"])
    assert ended.count() == 1
    offers = Letter.objects.filter(kind=LetterKind.OFFER)
    assert sorted(offers.values_list("candidate_id", flat=True)) == sorted(
        [outcome.first.pk, outcome.second.pk]
    )
    assert offers.filter(answer=OfferAnswer.PENDING).count() == 1
    assert verify_all()[1] == []
