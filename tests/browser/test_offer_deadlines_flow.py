"""A conditional attribution waits for its document, and an offer's deadline rolls over a
weekend (issue 7 §4), in the browser."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from relais.allocation import deadlines
from relais.allocation.eligibility.ceilings import load_income_ceilings
from relais.allocation.letters import services as letters
from relais.allocation.models import ApplicationStatus, Letter, LetterKind, OfferAnswer
from relais.core.roles import Role
from relais.formats import long_date

from ..allocation.factories_letters import closed_session, send_all
from ..factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Nom d.utilisateur|Identifiant|Login", re.I)).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def test_conditional_waits_for_its_document_and_deadline_rolls_over_a_weekend(new_page, tmp_path):
    load_income_ceilings()
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    officer = UserFactory(username="agent")
    MembershipFactory(user=officer, organisation=organisation, role=Role.ALLOCATION_OFFICER)
    world = closed_session(organisation)
    for candidate in (world.first, world.second, world.conditional):
        candidate.application.status = ApplicationStatus.PROPOSED
        candidate.application.save()
    letters.letters_after_close(world.session)
    for candidate in (world.first, world.second):
        send_all(world.session)  # the refusal below drafts the next ranked's offer
        offer = Letter.objects.get(candidate=candidate, kind=LetterKind.OFFER)
        letters.offer_answer(letter=offer, actor=officer, answer=OfferAnswer.REFUSED)

    page = new_page()
    _login(page, "agent")
    conditional = Letter.objects.get(candidate=world.conditional, kind=LetterKind.CONDITIONAL)
    page.goto(f"/attributions/courriers/{conditional.pk}/")
    expect(page.get_by_test_id("condition")).to_contain_text("La proposition attend cette pièce")
    assert not Letter.objects.filter(candidate=world.conditional, kind=LetterKind.OFFER).exists()
    page.get_by_role("button", name="Enregistrer la pièce comme reçue").click()
    expect(page.get_by_text("Pièce enregistrée comme reçue.")).to_be_visible()
    expect(page.get_by_test_id("condition")).to_contain_text("la proposition est rédigée")
    offer = Letter.objects.get(candidate=world.conditional, kind=LetterKind.OFFER)
    # The offer is a draft: the officer reviews it and sends it before its period starts.
    page.goto(f"/attributions/courriers/{offer.pk}/")
    page.get_by_role("button", name="Enregistrer la relecture").click()
    page.get_by_role("button", name="Envoyer ce courrier").click()
    expect(page.get_by_text("Courrier envoyé.")).to_be_visible()

    # Received on the latest day (up to today) whose 10th day after is a Saturday: the answer
    # is due on the next working day, never that weekend (the issue's own case, 14 March 2026,
    # is in tests/allocation/test_offers.py; here the dates must stay ahead of today).
    received = timezone.localdate()
    while (received + dt.timedelta(days=10)).weekday() != 5:
        received -= dt.timedelta(days=1)
    saturday = received + dt.timedelta(days=10)
    due = deadlines.next_working_day(saturday, "37")
    offer.sent_at = dt.datetime.combine(received, dt.time(9), tzinfo=ZoneInfo("Europe/Paris"))
    offer.save(update_fields=["sent_at"])
    page.goto(f"/attributions/courriers/{offer.pk}/")
    page.get_by_label("Reçue le").fill(received.isoformat())
    page.get_by_label("Preuve de réception").select_option("registered")
    page.get_by_role("button", name="Enregistrer la réception").click()
    with translation.override("fr"):
        due_text = long_date(due, "l j F Y")
    expect(page.get_by_test_id("answer-due")).to_contain_text(due_text)
    assert due > saturday + dt.timedelta(days=1)  # Monday (or later), not Saturday or Sunday
    assert letters.offers_lapse(today=saturday + dt.timedelta(days=1)) == 0  # Sunday
    page.screenshot(path=tmp_path / "offer-1280.png", full_page=True)
    phone = new_page(width=390, height=844)
    _login(phone, "agent")
    phone.goto(f"/attributions/courriers/{offer.pk}/")
    expect(phone.get_by_test_id("answer-due")).to_contain_text(due_text)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "offer-390.png", full_page=True)
