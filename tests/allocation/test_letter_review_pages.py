"""The letter pages under the officer's control (review, send one, send all), the standard
reasons pages, the answer shown once given, and the member's view of a candidate's documents."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from relais.allocation.letters import reasons as letter_reasons
from relais.allocation.letters import sending
from relais.allocation.letters import services as letters
from relais.allocation.models import (
    IncomeBasis,
    Letter,
    LetterKind,
    LetterReason,
    LetterStatus,
    OfferAnswer,
    ReasonKind,
)
from relais.core.roles import Role
from relais.formats import long_date

from .factories_commissions import board
from .factories_letters import closed_session, review, says

pytestmark = pytest.mark.usefixtures("ceilings_loaded")


@pytest.fixture
def outcome(organisation):
    world = closed_session(organisation)
    letters.letters_after_close(world.session)
    return world


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)


def _letter(candidate, kind):
    return Letter.objects.get(candidate=candidate, kind=kind)


def test_the_officer_reviews_then_sends_a_letter_from_its_page(outcome, officer):
    letter = _letter(outcome.refused, LetterKind.NON_ATTRIBUTION)
    page = officer[1].get(reverse("allocation:letter_detail", args=[letter.pk])).content.decode()
    assert 'name="reasons"' in page and 'name="wording"' in page
    assert "Agence de Tours Nord" in page  # the contact block the letter will carry
    url = reverse("allocation:letter_review", args=[letter.pk])

    refused = officer[1].post(url, {"wording": "Précision"})
    assert refused.status_code == 400
    assert says(refused, "A refusal is notified with its reasons: choose at least one.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT and letter.wording == ""

    reason = letter_reasons.reasons_for(letter.organisation, ReasonKind.NON_ATTRIBUTION).first()
    assert officer[1].post(url, {"reasons": [reason.pk]}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REVIEWED and list(letter.reasons.all()) == [reason]

    sent = officer[1].post(reverse("allocation:letter_send", args=[letter.pk]), follow=True)
    assert says(sent, "Letter sent.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and bytes(letter.pdf).startswith(b"%PDF")
    assert 'name="reasons"' not in sent.content.decode()  # a sent letter is not edited


def test_a_draft_downloads_as_a_marked_preview(outcome, officer):
    letter = _letter(outcome.first, LetterKind.OFFER)
    response = officer[1].get(reverse("allocation:letter_download", args=[letter.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    number = outcome.first.application.registration_number
    assert (
        f'filename="projet-proposition-de-logement-{number}.pdf"'
        in (response["Content-Disposition"])
    )
    letter.refresh_from_db()
    assert letter.pdf is None  # nothing stored, nothing sent


def test_send_all_sends_the_reviewed_letters_and_names_those_that_cannot_leave(outcome, officer):
    review(_letter(outcome.refused, LetterKind.NON_ATTRIBUTION))
    review(_letter(outcome.second, LetterKind.RANKED))
    page = officer[1].get(reverse("allocation:letter_list", args=[outcome.session.pk]))
    assert 'data-testid="to-review"' in page.content.decode()
    url = reverse("allocation:letters_send", args=[outcome.session.pk])
    response = officer[1].post(url, follow=True)
    assert "2 courriers envoyés." in response.content.decode()
    assert Letter.objects.filter(status=LetterStatus.SENT).count() == 2
    assert Letter.objects.filter(status=LetterStatus.DRAFT).count() == 3


def test_review_and_sending_need_commission_manage_in_the_organisation(
    outcome, member_factory, outsider_client
):
    letter = _letter(outcome.refused, LetterKind.NON_ATTRIBUTION)
    reason = letter_reasons.reasons_for(letter.organisation, ReasonKind.NON_ATTRIBUTION).first()
    review_url = reverse("allocation:letter_review", args=[letter.pk])
    send_url = reverse("allocation:letter_send", args=[letter.pk])
    manager = member_factory(Role.MANAGER)[1]
    assert manager.post(review_url, {"reasons": [reason.pk]}).status_code == 403
    assert manager.post(send_url).status_code == 403
    assert outsider_client.post(review_url, {"reasons": [reason.pk]}).status_code == 404
    assert Client().post(send_url).status_code == 302  # to the login page
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_after_an_answer_the_letter_shows_the_answer_not_the_deadline(outcome, officer):
    offer = _letter(outcome.first, LetterKind.OFFER)
    review(offer)
    sending.letter_send(letter=offer, actor=None)
    detail = reverse("allocation:letter_detail", args=[offer.pk])
    listing = reverse("allocation:letter_list", args=[outcome.session.pk])
    assert 'data-testid="answer-due"' in officer[1].get(detail).content.decode()
    assert 'data-testid="answer-due-on"' in officer[1].get(listing).content.decode()

    officer[1].post(reverse("allocation:letter_answer", args=[offer.pk]), {"answer": "accepted"})
    offer.refresh_from_db()
    page = officer[1].get(detail).content.decode()
    assert 'data-testid="answer-due"' not in page
    with translation.override("fr"):
        accepted = str(OfferAnswer.ACCEPTED.label)
        day = long_date(offer.answered_at, "l j F Y")
    assert accepted in page and f"le {day}" in page
    rows = officer[1].get(listing).content.decode()
    assert 'data-testid="answered-on"' in rows and 'data-testid="answer-due-on"' not in rows


def test_directors_and_managers_edit_the_standard_reasons(
    organisation, member_factory, outsider_client
):
    url = reverse("allocation:letter_reasons")
    manager = member_factory(Role.MANAGER)[1]
    page = manager.get(url).content.decode()
    assert escape("Le logement n'est pas adapté à la composition de votre ménage.") in page
    assert member_factory(Role.ALLOCATION_OFFICER)[1].get(url).status_code == 403
    added = manager.post(url, {"kind": "inadmissible", "text": "Dossier incomplet."})
    assert added.status_code == 302
    reason = LetterReason.objects.get(organisation=organisation, text="Dossier incomplet.")
    elsewhere = outsider_client.get(url)  # their own organisation's list
    assert elsewhere.status_code == 200 and "Dossier incomplet." not in elsewhere.content.decode()
    twice = manager.post(url, {"kind": "inadmissible", "text": "Dossier incomplet."})
    assert twice.status_code == 400
    assert says(twice, "This reason is already in the list for this decision type.")
    empty = manager.post(url, {"kind": "inadmissible", "text": "   "})
    assert empty.status_code == 400
    edit = reverse("allocation:letter_reason_edit", args=[reason.pk])
    assert outsider_client.get(edit).status_code == 404
    saved = manager.post(edit, {"text": "Dossier incomplet à la date de la commission."})
    assert saved.status_code == 302
    reason.refresh_from_db()
    assert (reason.text, reason.is_active) == (
        "Dossier incomplet à la date de la commission.",
        False,
    )


def test_the_member_sees_the_same_documents_as_the_staff_file_and_no_raw_code(
    organisation, member_factory
):
    prepared = board(organisation)
    candidate = prepared.candidates()[0]
    application = candidate.application
    application.documents_received = ["identity", "tax_notice_n2", "payslips", "current_lease"]
    application.reference_income_basis = IncomeBasis.N2
    application.save()
    member = Client()
    member.force_login(prepared.mayor.user)
    url = reverse("allocation:vote_candidate", args=[prepared.session.pk, candidate.pk])
    member_page = member.get(url).content.decode()
    staff = member_factory(Role.ALLOCATION_OFFICER)[1]
    staff_page = staff.get(reverse("allocation:application_detail", args=[application.pk]))
    staff_page = staff_page.content.decode()

    def documents(page):
        start = page.index('data-testid="documents-summary"')
        return page[start : page.index("</ul>", start)]

    assert documents(member_page) == documents(staff_page)
    assert "8 pièces manquantes" in documents(member_page)
    assert "aucune" not in documents(member_page)
    assert "(n2)" not in member_page and "(N-2)" in member_page
