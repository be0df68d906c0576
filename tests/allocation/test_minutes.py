"""Minutes of a closed session: content, regeneration, sealing by the president."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relais.allocation.commissions import minutes
from relais.allocation.models import Session, SessionStatus
from relais.core.audit import verify_all
from relais.core.models import AuditEvent

from .factories_letters import closed_session, pdf_text

pytestmark = pytest.mark.usefixtures("ceilings_loaded")


@pytest.fixture
def outcome(organisation):
    return closed_session(organisation)


def _events(action):
    return AuditEvent.objects.filter(action=action)


def test_minutes_list_members_participation_items_decisions_and_tallies(outcome):
    text = pdf_text(minutes.minutes_generate(outcome.session))
    # The commission, the session and the members with their seats and participation.
    assert "CALEOL Touraine" in text
    assert "Séance dématérialisée ouverte le" in text
    assert "au moins 50 % des membres" in text
    assert "Hélène Présidente Président (représentant du bailleur) A pris part" in text
    assert "Cécile Maire Maire ou son représentant (Tours) A pris part point n° 1" in text
    assert "Jérôme Préfecture Préfet ou son représentant N’a pas pris part" in text
    # Each item: dwelling, address, typology, financing, rent and charges.
    dwelling = outcome.item.vacancy.dwelling
    assert f"Point n° 1 — logement {dwelling.reference}" in text
    assert "3 allée des Peupliers, 37000 Tours" in text
    assert "T3, 65,50 m²" in text and "PLUS" in text
    assert "1 234,56 € hors charges, 90,50 € de provisions pour charges, soit 1 325,06 €" in text
    assert "3 membres sur 4 à voix délibérative" in text
    assert "Cécile Maire a déclaré un conflit d’intérêts" in text
    # Each candidate: decision, rank, reasons and tally.
    for candidate, decision in (
        (outcome.first, "Attribution avec classement, rang 1"),
        (outcome.second, "Attribution avec classement, rang 2"),
        (outcome.conditional, "Attribution sous condition suspensive, rang 3"),
        (outcome.refused, "Non-attribution Motif : Logement inadapté"),
        (outcome.inadmissible, "Irrecevabilité Motif : Ressources supérieures"),
    ):
        assert candidate.application.registration_number in text
        assert decision in text
    assert "Pièce manquante : Avis d'imposition 2025, à produire avant le 15 décembre 2026" in text
    assert "Pour : 1 Contre : 2 Irrecevable : 0" in text
    assert "Rang moyen : 2,33" in text
    # The item sent back, and why.
    assert "Point n° 2" in text and "Renvoyé en séance physique" in text
    assert "François Locataire a demandé le renvoi en séance physique" in text
    assert "Dossier à étudier en présence" in text


def test_accented_french_renders(outcome):
    text = pdf_text(minutes.minutes_generate(outcome.session))
    for word in ("Procès-verbal", "Hélène", "Françoise", "Œuvray", "Noël", "délibérative"):
        assert word in text


def test_postponed_item_says_why(outcome):
    item = outcome.item
    item.status = "postponed"
    item.participants = 1
    item.save()
    text = pdf_text(minutes.minutes_generate(outcome.session))
    assert "Reporté à une prochaine séance : le quorum n’a pas été atteint" in text


def test_generating_is_idempotent_and_regenerating_follows_changes(outcome):
    session = outcome.session
    first = minutes.minutes_generate(session)
    assert minutes.minutes_generate(session) == first
    assert _events("minutes.generated").count() == 1
    session.refresh_from_db()
    assert bytes(session.minutes_pdf) == first

    outcome.refused.decision_reason = "Motif corrigé après relecture."
    outcome.refused.save()
    second = minutes.minutes_generate(session)
    assert second != first and "Motif corrigé" in pdf_text(second)
    session.refresh_from_db()
    assert bytes(session.minutes_pdf) == second
    assert _events("minutes.generated").count() == 2


def test_no_minutes_before_the_close(organisation):
    session = closed_session(organisation).session
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.OPEN)
    with pytest.raises(ValidationError):
        minutes.minutes_generate(session)
    session.refresh_from_db()
    assert session.minutes_pdf is None


def test_president_seals_with_the_sha256_in_the_audit_chain(outcome):
    session = outcome.session
    content = minutes.minutes_generate(session)
    president = outcome.president.user
    minutes.minutes_acknowledge(session=session, actor=president)

    session.refresh_from_db()
    digest = hashlib.sha256(bytes(session.minutes_pdf)).hexdigest()
    assert bytes(session.minutes_pdf) == content
    assert session.status == SessionStatus.SEALED
    assert session.minutes_sha256 == digest
    assert session.acknowledged_by == president and session.sealed_at is not None
    event = _events("minutes.sealed").get()
    assert event.changes == {"sha256": digest}
    assert event.actor == president and event.object_id == str(session.pk)
    assert minutes.sealed_digest(session) == digest
    checked, problems = verify_all()
    assert checked > 0 and problems == []


def test_sealed_minutes_can_no_longer_change(outcome):
    session = outcome.session
    content = minutes.minutes_generate(session)
    minutes.minutes_acknowledge(session=session, actor=outcome.president.user)
    outcome.refused.decision_reason = "Un autre motif."
    outcome.refused.save()

    with pytest.raises(ValidationError):
        minutes.minutes_generate(session)
    with pytest.raises(ValidationError):
        minutes.minutes_acknowledge(session=session, actor=outcome.president.user)
    session.refresh_from_db()
    assert bytes(session.minutes_pdf) == content
    assert _events("minutes.sealed").count() == 1
    assert minutes.minutes_intact(session)


def test_altered_minutes_are_detected_even_with_their_digest_rewritten(outcome):
    session = outcome.session
    minutes.minutes_generate(session)
    minutes.minutes_acknowledge(session=session, actor=outcome.president.user)
    forged = minutes.minutes_render(session) + b"%forged"
    Session.objects.filter(pk=session.pk).update(minutes_pdf=forged)
    session.refresh_from_db()
    assert not minutes.minutes_intact(session)
    # Rewriting the session's digest too is still caught by the audit chain's record.
    Session.objects.filter(pk=session.pk).update(minutes_sha256=hashlib.sha256(forged).hexdigest())
    session.refresh_from_db()
    assert not minutes.minutes_intact(session)


def test_only_the_president_acknowledges(outcome, member_factory):
    session = outcome.session
    minutes.minutes_generate(session)
    director, _client = member_factory()
    for user in (outcome.members[1].user, outcome.members[2].user, director):
        with pytest.raises(PermissionDenied):
            minutes.minutes_acknowledge(session=session, actor=user)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and not session.minutes_sha256
    assert not _events("minutes.sealed").exists()


def test_acknowledging_needs_minutes_and_the_version_read(outcome):
    session = outcome.session
    president = outcome.president.user
    with pytest.raises(ValidationError):
        minutes.minutes_acknowledge(session=session, actor=president)
    minutes.minutes_generate(session)
    with pytest.raises(ValidationError):
        minutes.minutes_acknowledge(session=session, actor=president, expected_sha256="0" * 64)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    digest = hashlib.sha256(bytes(session.minutes_pdf)).hexdigest()
    minutes.minutes_acknowledge(session=session, actor=president, expected_sha256=digest)
    session.refresh_from_db()
    assert session.minutes_sha256 == digest


def test_an_item_nobody_voted_on_shows_no_tally(outcome):
    outcome.sent_back.candidates.update(
        tally={"attribution": 0, "non_attribution": 0, "inadmissible": 0, "why": "sent_back"}
    )
    text = pdf_text(minutes.minutes_generate(outcome.session))
    assert "Cotation : 0 points — Pas de décision" in text
