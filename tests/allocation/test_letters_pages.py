"""Letters pages: list (with the lazy lapse), detail and answer, download, writing the letters."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from relais.allocation.letters import services as letters
from relais.allocation.models import Letter, LetterKind, OfferAnswer, Session, SessionStatus
from relais.core.models import AuditEvent
from relais.core.roles import Role

from .factories_letters import closed_session, says, send_all

pytestmark = pytest.mark.usefixtures("ceilings_loaded")


@pytest.fixture
def outcome(organisation):
    world = closed_session(organisation, "MARQUE")
    letters.letters_after_close(world.session)
    send_all(world.session)
    return world


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)


def _offer(candidate):
    return Letter.objects.get(candidate=candidate, kind=LetterKind.OFFER)


def test_list_shows_every_letter_in_few_queries(outcome, officer, django_assert_max_num_queries):
    url = reverse("allocation:letter_list", args=[outcome.session.pk])
    with django_assert_max_num_queries(20):
        response = officer[1].get(url)
    body = response.content.decode()
    assert response.status_code == 200
    for candidate in (outcome.first, outcome.conditional, outcome.refused, outcome.inadmissible):
        assert candidate.application.registration_number in body
    assert reverse("allocation:letter_download", args=[_offer(outcome.first).pk]) in body
    assert reverse("allocation:letters_draft", args=[outcome.session.pk]) in body


def test_opening_the_list_lapses_overdue_offers(outcome, officer):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Letter.objects.filter(pk=_offer(outcome.first).pk).update(answer_due_on=yesterday)
    officer[1].get(reverse("allocation:letter_list", args=[outcome.session.pk]))
    assert _offer(outcome.first).answer == OfferAnswer.LAPSED
    assert _offer(outcome.second).answer == OfferAnswer.PENDING  # drafted for review


def test_officer_records_a_refusal_and_the_next_ranked_gets_the_offer(outcome, officer):
    offer = _offer(outcome.first)
    page = officer[1].get(reverse("allocation:letter_detail", args=[offer.pk]))
    assert 'name="answer"' in page.content.decode()
    response = officer[1].post(
        reverse("allocation:letter_answer", args=[offer.pk]), {"answer": "refused"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.REFUSED
    assert _offer(outcome.second).answer == OfferAnswer.PENDING
    event = AuditEvent.objects.get(action="offer.refused")
    assert event.actor == officer[0]


def test_answer_needs_commission_manage_and_stays_in_the_organisation(
    outcome, member_factory, outsider_client
):
    offer = _offer(outcome.first)
    url = reverse("allocation:letter_answer", args=[offer.pk])
    manager = member_factory(Role.MANAGER)[1]  # reads allocation files, does not manage
    assert (
        'name="answer"'
        not in manager.get(reverse("allocation:letter_detail", args=[offer.pk])).content.decode()
    )
    assert manager.post(url, {"answer": "refused"}).status_code == 403
    assert outsider_client.post(url, {"answer": "refused"}).status_code == 404
    assert Client().post(url, {"answer": "refused"}).status_code == 302
    assert member_factory(Role.ALLOCATION_OFFICER)[1].get(url).status_code == 405
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.PENDING


def test_invalid_or_second_answer_is_a_message_not_a_change(outcome, officer):
    offer = _offer(outcome.first)
    url = reverse("allocation:letter_answer", args=[offer.pk])
    officer[1].post(url, {"answer": "lapsed"})
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.PENDING
    officer[1].post(url, {"answer": "accepted"})
    response = officer[1].post(url, {"answer": "refused"}, follow=True)
    with translation.override("fr"):
        message = gettext("This offer is already closed: %(answer)s.") % {
            "answer": OfferAnswer.ACCEPTED.label
        }
    assert escape(message) in response.content.decode()
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.ACCEPTED


def test_download_is_an_audited_pdf_attachment(outcome, member_factory, outsider_client):
    offer = _offer(outcome.first)
    url = reverse("allocation:letter_download", args=[offer.pk])
    user, client = member_factory(Role.MANAGER)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    number = outcome.first.application.registration_number
    assert response["Content-Disposition"] == (
        f'attachment; filename="proposition-de-logement-{number}.pdf"'
    )
    assert response.content == bytes(offer.pdf)
    assert AuditEvent.objects.filter(action="letter.downloaded", actor=user).count() == 1
    assert member_factory(Role.ACCOUNTANT)[1].get(url).status_code == 403
    assert member_factory(Role.COMMISSION_MEMBER)[1].get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert Client().get(url)["Location"].startswith(reverse("account_login"))


def test_drafting_the_letters_from_the_page(organisation, officer, member_factory):
    world = closed_session(organisation)
    url = reverse("allocation:letters_draft", args=[world.session.pk])
    assert member_factory(Role.MANAGER)[1].post(url).status_code == 403
    response = officer[1].post(url, follow=True)
    with translation.override("fr"):
        message = ngettext("%(count)d letter drafted.", "%(count)d letters drafted.", 5)
    assert message % {"count": 5} in response.content.decode()
    officer[1].post(url)
    assert Letter.objects.count() == 5
    assert not Letter.objects.exclude(status="draft").exists()


def test_no_letters_before_the_close(organisation, officer):
    world = closed_session(organisation)
    Session.objects.filter(pk=world.session.pk).update(status=SessionStatus.OPEN)
    url = reverse("allocation:letters_draft", args=[world.session.pk])
    response = officer[1].post(url, follow=True)
    assert says(response, "Letters are written once the session is closed.")
    assert not Letter.objects.exists()
