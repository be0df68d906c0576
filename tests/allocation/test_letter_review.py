"""Letters under the officer's control: drafts reviewed with standard reasons, then sent; the
landlord's contact block, the remedies after a refusal, ranked candidates told their rank."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from relais.allocation.letters import reasons as letter_reasons
from relais.allocation.letters import sending
from relais.allocation.letters import services as letters
from relais.allocation.letters.offers import offer_receipt_record
from relais.allocation.models import (
    Letter,
    LetterKind,
    LetterReason,
    LetterStatus,
    Position,
    PositionChoice,
    ReasonKind,
)
from relais.core.models import Agency, AuditEvent
from relais.core.outbox.models import OutboxMessage

from ..factories import OrganisationFactory
from .factories_letters import closed_session, pdf_text, review, send_all

pytestmark = pytest.mark.usefixtures("ceilings_loaded")

MEMBER_NOTE = "Famille connue du maire, voisin bruyant"


@pytest.fixture
def outcome(organisation):
    world = closed_session(organisation)
    letters.letters_after_close(world.session)
    return world


def _letter(candidate, kind=None):
    found = Letter.objects.filter(candidate=candidate)
    return found.get(kind=kind) if kind else found.get()


def _reason(organisation, kind, start):
    return letter_reasons.reasons_for(organisation, kind).get(text__startswith=start)


def test_a_members_note_never_reaches_the_letter(outcome):
    refused = outcome.refused
    # What a member typed with their vote, and what the tally kept from it.
    Position.objects.filter(candidate=refused, member=outcome.president).update(
        choice=PositionChoice.NON_ATTRIBUTION, rank=None, reason=MEMBER_NOTE
    )
    refused.decision_reason = MEMBER_NOTE
    refused.save(update_fields=["decision_reason"])
    letter = _letter(refused)
    assert MEMBER_NOTE not in pdf_text(sending.letter_preview(letter))  # the draft

    organisation = outcome.session.organisation
    chosen = _reason(organisation, ReasonKind.NON_ATTRIBUTION, "Le logement n'est pas adapté à la")
    review(letter, reasons=[chosen], wording="Un T2 pourra vous être proposé.")
    text = pdf_text(sending.letter_send(letter=letter, actor=None).pdf)
    assert MEMBER_NOTE not in text
    assert "Le motif de cette décision est le suivant : • Le logement n'est pas adapté" in text
    assert "Un T2 pourra vous être proposé." in text


def test_a_refusal_needs_a_reason_of_its_own_type_and_organisation(outcome):
    organisation = outcome.session.organisation
    letter = _letter(outcome.inadmissible)
    with pytest.raises(ValidationError, match="au moins un"):
        review(letter, reasons=[])
    attribution = letter_reasons.reasons_for(organisation, ReasonKind.ATTRIBUTION).first()
    other = OrganisationFactory()
    foreign = letter_reasons.reasons_for(other, ReasonKind.INADMISSIBLE).first()
    withdrawn = _reason(organisation, ReasonKind.INADMISSIBLE, "Vous ne justifiez")
    letter_reasons.reason_update(reason=withdrawn, actor=None, text=withdrawn.text, is_active=False)
    for wrong in (attribution, foreign, withdrawn):
        with pytest.raises(ValidationError, match="dans la liste proposée"):
            review(letter, reasons=[wrong])
    with pytest.raises(ValidationError, match="1500"):
        review(letter, wording="x" * 1501)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT and not letter.reasons.exists()
    # An attribution may go without a reason.
    assert review(_letter(outcome.second), reasons=[]).status == LetterStatus.REVIEWED


def test_only_a_reviewed_letter_is_sent_and_only_once(outcome, django_capture_on_commit_callbacks):
    offer = _letter(outcome.first, LetterKind.OFFER)
    with pytest.raises(ValidationError, match="Relisez ce courrier"):
        sending.letter_send(letter=offer, actor=None)
    review(offer, actor=outcome.president.user)
    with django_capture_on_commit_callbacks(execute=True):
        sent = sending.letter_send(letter=offer, actor=outcome.president.user)
        again = sending.letter_send(letter=offer, actor=outcome.president.user)
    # One e-mail, queued in the outbox.
    assert OutboxMessage.objects.filter(purpose="allocation.offer_letter").count() == 1
    assert again.sent_at == sent.sent_at and bytes(again.pdf) == bytes(sent.pdf)
    assert sent.answer_due_on is not None
    event = AuditEvent.objects.get(action="letter.sent")
    assert event.changes["sha256"] == sending.pdf.sha256(sent.pdf)
    assert AuditEvent.objects.filter(action="letter.reviewed").count() == 1
    with pytest.raises(ValidationError, match="a été envoyé"):
        review(offer)


def test_a_draft_offer_has_no_receipt_to_record(outcome):
    offer = _letter(outcome.first, LetterKind.OFFER)
    with pytest.raises(ValidationError, match="pas encore été envoyée"):
        offer_receipt_record(
            letter=offer, actor=None, received_on=dt.date.today(), kind="registered"
        )
    offer.refresh_from_db()
    assert offer.received_on is None and offer.answer_due_on is None


def test_send_all_sends_the_reviewed_letters_only(outcome):
    review(_letter(outcome.refused))
    review(_letter(outcome.second))
    sent, problems = sending.letters_send_reviewed(session=outcome.session, actor=None)
    assert (sent, problems) == (2, [])
    statuses = dict(Letter.objects.values_list("candidate_id", "status"))
    assert statuses[outcome.refused.pk] == statuses[outcome.second.pk] == LetterStatus.SENT
    assert statuses[outcome.first.pk] == LetterStatus.DRAFT


def test_every_letter_carries_the_landlords_contact_block(outcome):
    for letter in send_all(outcome.session):
        text = pdf_text(letter.pdf)
        assert "Agence de Tours Nord 15 avenue de la République 37100 Tours" in text, letter.kind
        assert "Tél. : 02 47 12 34 56" in text
        assert "Courriel : attributions.tours@example.org" in text


def test_no_letter_leaves_without_a_contact_block(outcome):
    residence = outcome.item.vacancy.dwelling.building.residence
    letter = _letter(outcome.refused)
    review(letter)
    Agency.objects.filter(pk=residence.agency_id).update(email="", phone="")
    with pytest.raises(ValidationError, match="téléphone, e-mail"):
        sending.letter_send(letter=letter, actor=None)
    residence.agency = None
    residence.save(update_fields=["agency"])
    with pytest.raises(
        ValidationError, match=f"résidence {residence.name} n'est rattachée à aucune agence"
    ):
        sending.letter_send(letter=letter, actor=None)
    sent, problems = sending.letters_send_reviewed(session=outcome.session, actor=None)
    assert sent == 0 and problems[0].startswith(outcome.refused.application.registration_number)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REVIEWED and letter.pdf is None


def test_a_refusal_tells_the_applicant_their_remedies(outcome):
    send_all(outcome.session)
    for candidate in (outcome.refused, outcome.inadmissible):
        text = pdf_text(_letter(candidate).pdf)
        assert "Vos droits et voies de recours" in text
        assert "tribunal administratif dans un délai de deux mois" in text
        assert "article R421-1 du code de justice administrative" in text
        assert "commission de médiation de votre département" in text
        assert "article L441-2-3 du code de la construction" in text
        assert "L441-2-3-1" not in text  # not designated DALO
    for candidate, kind in (
        (outcome.first, LetterKind.OFFER),
        (outcome.second, LetterKind.RANKED),
        (outcome.conditional, LetterKind.CONDITIONAL),
    ):
        assert "voies de recours" not in pdf_text(_letter(candidate, kind).pdf)


def test_a_dalo_applicant_is_told_of_the_dalo_recourse(outcome):
    application = outcome.refused.application
    application.priority_criteria = ["dalo"]
    application.save(update_fields=["priority_criteria"])
    text = pdf_text(sending.letter_preview(_letter(outcome.refused)))
    assert "vous ayant reconnu(e) prioritaire" in text and "L441-2-3-1" in text


def test_candidates_ranked_2_and_3_are_told_their_rank(outcome):
    send_all(outcome.session)
    second = pdf_text(_letter(outcome.second, LetterKind.RANKED).pdf)
    assert "Décision d’attribution avec classement" in second
    assert "au rang n° 2" in second and "au candidat classé au rang n° 1" in second
    third = pdf_text(_letter(outcome.conditional, LetterKind.CONDITIONAL).pdf)
    assert "rang n° 3" in third and "les candidats classés avant vous" in third
    # The first ranked is not told "rank 1": their offer is the news.
    assert "rang n°" not in pdf_text(_letter(outcome.first, LetterKind.OFFER).pdf)


def test_each_organisation_gets_the_default_reasons_once(organisation):
    letter_reasons.reasons_seed(organisation)
    letter_reasons.reasons_seed(organisation)
    rows = LetterReason.objects.filter(organisation=organisation)
    expected = sum(len(texts) for texts in letter_reasons.DEFAULTS.values())
    assert rows.count() == expected
    assert set(rows.values_list("kind", flat=True)) == set(ReasonKind.values)
    over = rows.get(kind=ReasonKind.INADMISSIBLE, text__startswith="Les ressources")
    assert "R441-1" in over.text
    other = OrganisationFactory()
    assert not letter_reasons.reasons_for(other).filter(organisation=organisation).exists()


def test_reasons_are_added_reworded_and_withdrawn(organisation, member_factory):
    director = member_factory("director")[0]
    added = letter_reasons.reason_create(
        organisation=organisation,
        actor=director,
        kind=ReasonKind.NON_ATTRIBUTION,
        text="  Le logement   est situé en étage sans ascenseur. ",
    )
    assert added.text == "Le logement est situé en étage sans ascenseur."
    with pytest.raises(ValidationError, match="figure déjà dans la liste"):
        letter_reasons.reason_create(
            organisation=organisation, actor=director, kind="non_attribution", text=added.text
        )
    with pytest.raises(ValidationError):
        letter_reasons.reason_create(organisation=organisation, actor=None, kind="x", text="a")
    letter_reasons.reason_update(reason=added, actor=director, text=added.text, is_active=False)
    assert added not in letter_reasons.reasons_for(organisation, ReasonKind.NON_ATTRIBUTION)
    events = AuditEvent.objects.filter(action__startswith="letter_reason.")
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "letter_reason.created",
        "letter_reason.updated",
    ]
    assert events.order_by("pk").last().changes == {"is_active": [True, False]}


def test_a_sent_letter_keeps_the_text_of_a_reason_reworded_later(outcome):
    organisation = outcome.session.organisation
    reason = letter_reasons.reasons_for(organisation, ReasonKind.NON_ATTRIBUTION).first()
    review(_letter(outcome.refused), reasons=[reason])
    sent = sending.letter_send(letter=_letter(outcome.refused), actor=None)
    letter_reasons.reason_update(reason=reason, actor=None, text="Texte revu.", is_active=True)
    text = pdf_text(Letter.objects.get(pk=sent.pk).pdf)
    assert "Texte revu." not in text and reason.text in text
