"""The remote commission, in real browsers, from the preparation to the minutes and the offer.

An allocation officer prepares a remote session (one vacancy by registration numbers, the other
from its candidate search) and opens it; three members vote from three browser contexts — the
president, the tenant representative (who sends item 2 back to an in-person session) and the
mayor on a phone (who declares a conflict of interest on item 1, which withdraws the position
they had taken). The session then reaches its closing time and closes when the officer opens
it; the minutes PDF and the offer letter to the first-ranked applicant download and read right.

Labels are looked up with ``tr`` (the French of an English msgid, or the msgid itself while it
has no translation), so the test follows the catalogue instead of guessing its wording.
"""

import datetime as dt
import re
import subprocess
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from relais.allocation import pdf
from relais.allocation.deadlines import answer_due_on
from relais.allocation.letters import sending
from relais.allocation.models import (
    DecisionType,
    ItemStatus,
    Letter,
    LetterKind,
    LetterStatus,
    OfferAnswer,
    Session,
    SessionStatus,
    VacancyStatus,
)
from relais.core.models import AuditEvent

from ..allocation.factories_letters import pdf_text as pdf_text_bytes
from ..factories import PASSWORD
from .allocation_setup import COMMISSION, build_world, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOICES = {"attribution": "Attribution", "non_attribution": "Non-attribution"}
PHONE = {"width": 390, "height": 844}


def tr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def field(message: str) -> re.Pattern:
    """A form field's label: the translated text, with the " *" of a required field."""
    return re.compile(rf"^{re.escape(tr(message))}( \*)?$")


def pdf_text(path) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.decode().split())


def _login(page, username: str, secret: str = "") -> None:
    """allauth's login, then its TOTP step for the members who have an authenticator."""
    page.get_by_label(re.compile("Nom d.utilisateur|Identifiant|Login", re.I)).fill(username)
    page.get_by_label(tr("Password")).fill(PASSWORD)
    page.get_by_role("button", name=tr("Sign In")).click()
    if secret:
        expect(page.get_by_role("heading", level=1)).to_have_text(tr("Two-Factor Authentication"))
        period = mfa_settings.TOTP_PERIOD
        if period - time.time() % period < 2:  # no tolerance: do not send a code about to expire
            time.sleep(2)
        page.locator("input[name=code]").fill(totp_code(secret))
        page.get_by_role("button", name=tr("Sign In")).click()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def _item_link(page, number: int):
    items = page.get_by_role("navigation", name=tr("Items of the agenda"))
    return items.get_by_role("link", name=tr("Item %(number)s") % {"number": number})


def _card(page, number: str):
    return page.get_by_test_id("candidate").filter(has_text=number)


def _position(page, number: str, choice: str, *, rank: int = 0, reason: str = "") -> None:
    """Take a position on a candidate; htmx saves it and swaps the card."""
    card = _card(page, number)
    card.get_by_text(tr(CHOICES[choice]), exact=True).click()
    if rank:
        card.get_by_label(tr("Rank (for an attribution)")).select_option(str(rank))
    if reason:
        label = tr("Reason (for a non-attribution or an inadmissibility)")
        card.get_by_label(label).fill(reason)
    card.get_by_role("button", name=tr("Save my position")).click()
    mine = card.get_by_test_id("my-position")
    expect(mine).to_contain_text(tr("saved"))
    expect(mine).to_contain_text(tr(CHOICES[choice]))


def _prepare(page, world) -> Session:
    """Create the remote session, put both vacancies on its agenda, open it."""
    page.goto(reverse("allocation:commission_list"))
    page.get_by_role("link", name=COMMISSION).click()
    page.get_by_role("link", name=tr("New session")).click()
    page.get_by_label(field("Kind")).select_option("remote")
    # The form suggests the next full hour; this session starts now, so members vote at once.
    now = timezone.localtime().replace(second=0, microsecond=0)
    page.get_by_label(field("Opens at")).fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=tr("Save"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(COMMISSION)
    session = Session.objects.get()
    assert session.closes_at - session.opens_at == dt.timedelta(hours=24)

    # Vacancy A from the agenda: pick it among the ready vacancies, then tick its candidates.
    page.get_by_role("link", name=tr("Add a vacancy")).click()
    vacancy_a = world.vacancies["A"].dwelling.reference
    page.get_by_role("row").filter(has_text=vacancy_a).get_by_role(
        "link", name=tr("Choose its candidates")
    ).click()
    _propose(page, world.numbers("A"))
    expect(page.get_by_label(field("Session"))).to_have_value(str(session.pk))
    page.get_by_role("button", name=tr("Put on the agenda")).click()
    expect(page.get_by_test_id("item")).to_have_count(1)

    # Vacancy B from its candidate search: A's applicants, proposed now, no longer show.
    page.goto(reverse("allocation:vacancy_candidates", args=[world.vacancies["B"].pk]))
    expect(page.get_by_test_id("candidates").locator("tbody tr")).to_have_count(3)
    _propose(page, world.numbers("B"))
    page.get_by_label(field("Session")).select_option(str(session.pk))
    page.get_by_role("button", name=tr("Put on the agenda")).click()
    items = page.get_by_test_id("item")
    expect(items).to_have_count(2)
    expect(items.nth(1)).to_contain_text(world.vacancies["B"].dwelling.reference)

    page.get_by_role("button", name=tr("Open the session")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tr("Open"))
    return session


def _propose(page, numbers) -> None:
    """Tick ``numbers`` on a vacancy's ranked candidates, ranked in that order."""
    rows = page.get_by_test_id("candidates").locator("tbody tr")
    for rank, number in enumerate(numbers, start=1):
        page.get_by_label(tr("Propose %(number)s") % {"number": number}).check()
        rows.filter(has_text=number).get_by_role("spinbutton").fill(str(rank))


def _member_page(new_page, world, user, **viewport):
    """A member's own browser: log in (with the TOTP code if outside), open the session."""
    page = new_page(**viewport)
    page.goto(reverse("allocation:my_sessions"))
    _login(page, user.username, world.secrets.get(user.username, ""))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("My commission sessions"))
    page.get_by_role("table").get_by_role("link").click()
    expect(page.get_by_test_id("closes-at")).to_be_visible()
    return page


def _president_votes(new_page, world) -> None:
    page = _member_page(new_page, world, world.president)
    a1, a2, a3 = world.numbers("A")
    _position(page, a1, "attribution", rank=2)
    _position(page, a2, "attribution", rank=1)
    _position(page, a3, "non_attribution", reason="Revenus trop faibles pour le loyer")
    _item_link(page, 2).click()
    for rank, number in enumerate(world.numbers("B"), start=1):
        _position(page, number, "attribution", rank=rank)


def _tenant_votes_and_sends_back(new_page, world) -> None:
    page = _member_page(new_page, world, world.tenant)
    # The president has voted on every candidate: the tenant sees none of it.
    expect(page.get_by_test_id("candidate")).to_have_count(3)
    expect(page.get_by_test_id("my-position")).to_have_count(0)
    a1, a2, a3 = world.numbers("A")
    _position(page, a1, "attribution", rank=1)
    # Two candidates cannot share a rank (issue 7 §9): the second rank 1 is refused.
    _card(page, a2).get_by_text(tr("Attribution"), exact=True).click()
    _card(page, a2).get_by_label(tr("Rank (for an attribution)")).select_option("1")
    _card(page, a2).get_by_role("button", name=tr("Save my position")).click()
    expect(_card(page, a2).get_by_role("alert")).to_contain_text(tr("rank"))
    _position(page, a1, "attribution", rank=2)
    _position(page, a2, "attribution", rank=1)
    _position(page, a3, "non_attribution", reason="Logement trop grand pour le ménage")
    _item_link(page, 2).click()
    page.get_by_text(tr("Send back to an in-person session"), exact=True).click()
    page.get_by_label(tr("Why must the item be examined in person?")).fill(
        "Situation à examiner en présence du demandeur"
    )
    page.get_by_role("button", name=tr("Send back"), exact=True).click()
    expect(page.get_by_text(tr("You sent this item back to an in-person session"))).to_be_visible()


def _mayor_votes_on_a_phone(new_page, world, shots) -> None:
    """The mayor votes on item 1, then declares a conflict: that position is withdrawn."""
    page = _member_page(new_page, world, world.mayor, **PHONE)
    a1 = world.numbers("A")[0]
    _position(page, a1, "attribution", rank=1)
    expect(_item_link(page, 1)).to_contain_text("✓")  # the tab ticks without a reload
    page.screenshot(path=str(shots / "vote-phone.png"), full_page=True)
    page.get_by_text(tr("I have a conflict of interest"), exact=True).click()
    expect(page.get_by_test_id("my-position")).to_have_count(1)  # nothing declared yet
    page.get_by_role("button", name=tr("Confirm my conflict of interest")).click()
    conflict = tr("You declared a conflict of interest on this item: you do not vote on it.")
    expect(page.get_by_role("status").filter(has_text=conflict)).to_be_visible()
    expect(page.get_by_test_id("my-position")).to_have_count(0)
    expect(page.get_by_role("button", name=tr("Save my position"))).to_have_count(0)
    page.screenshot(path=str(shots / "vote-phone-conflict.png"), full_page=True)
    _item_link(page, 2).click()
    b1, b2, b3 = world.numbers("B")
    _position(page, b1, "attribution", rank=1)
    _position(page, b2, "attribution", rank=2)
    _position(page, b3, "non_attribution", reason="Dossier incomplet")


def _taken_position(voted: int, voters: int = 3) -> str:
    return tr("%(voted)s of %(voters)s members have taken position") % {
        "voted": voted,
        "voters": voters,
    }


def _close_and_read_results(page, session, world, shots) -> None:
    """The officer follows the counts, then the closing time passes and the page closes it."""
    page.reload()
    items = page.get_by_test_id("item")
    # The mayor's position on item 1 was withdrawn with the conflict: two members there.
    # The mayor's conflict on item 1 takes him out of its count (issue 7 §1).
    expect(items.nth(0)).to_contain_text(_taken_position(2, voters=2))
    expect(items.nth(1)).to_contain_text(_taken_position(2))

    Session.objects.filter(pk=session.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    page.reload()
    closed = SessionStatus.CLOSED.label
    with translation.override("fr"):
        closed = str(closed)
    expect(page.get_by_role("heading", level=1)).to_contain_text(closed)
    decided, sent_back = items.nth(0), items.nth(1)
    expect(decided).to_contain_text(tr("Decided"))
    expect(decided).to_contain_text(
        tr("%(taking)s of %(voting)s voting members took part") % {"taking": 2, "voting": 2}
    )
    a1, a2, a3 = world.numbers("A")
    rank = tr("rank")
    expect(decided.get_by_role("row").filter(has_text=a2)).to_contain_text(
        f"{tr('Attribution with ranking')} · {rank} 1"
    )
    expect(decided.get_by_role("row").filter(has_text=a1)).to_contain_text(
        f"{tr('Attribution under suspensive condition')} · {rank} 2"
    )
    expect(decided.get_by_role("row").filter(has_text=a3)).to_contain_text(
        "Revenus trop faibles pour le loyer; Logement trop grand pour le ménage"
    )
    expect(sent_back).to_contain_text(tr("Sent back to an in-person session"))
    page.screenshot(path=str(shots / "session-results.png"), full_page=True)


def _check_database(session, world) -> Letter:
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.minutes_pdf is not None
    item_a, item_b = session.items.order_by("position")
    assert (item_a.status, item_b.status) == (ItemStatus.DECIDED, ItemStatus.SENT_BACK)
    decisions = {
        c.application.registration_number: (c.decision, c.decided_rank)
        for c in item_a.candidates.select_related("application")
    }
    a1, a2, a3 = world.numbers("A")
    assert decisions == {
        a1: (DecisionType.CONDITIONAL, 2),
        a2: (DecisionType.RANKED, 1),
        a3: (DecisionType.NON_ATTRIBUTION, None),
    }
    world.vacancies["B"].refresh_from_db()
    assert world.vacancies["B"].status == VacancyStatus.ON_AGENDA
    kinds = {
        (letter.candidate.application.registration_number, letter.kind)
        for letter in Letter.objects.select_related("candidate__application")
    }
    assert kinds == {
        (a2, LetterKind.OFFER),
        (a1, LetterKind.CONDITIONAL),
        (a3, LetterKind.NON_ATTRIBUTION),
    }
    # Drafted, not sent: the officer reviews and sends (_offer_reads_right).
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.DRAFT}
    offer = Letter.objects.get(kind=LetterKind.OFFER)
    assert offer.answer == OfferAnswer.PENDING and offer.answer_due_on is None
    # Closed once (lazily, by the page), minutes drawn up once by the task after the commit.
    for action in ("session.closed", "minutes.generated"):
        assert AuditEvent.objects.filter(action=action).count() == 1, action
    return offer


def _download(page, link, path):
    with page.expect_download() as download:
        link.click()
    download.value.save_as(path)
    return pdf_text(path)


def _minutes_read_right(page, world, shots) -> None:
    page.get_by_role("link", name=tr("Minutes"), exact=True).click()
    text = _download(
        page, page.get_by_role("link", name=tr("Download the minutes (PDF)")), shots / "minutes.pdf"
    )
    ref_a, ref_b = (world.vacancies[key].dwelling.reference for key in "AB")
    for expected in (
        COMMISSION,
        "Séance dématérialisée",
        "Claire Bernard Président (représentant du bailleur) A pris part",
        "Marc Delorme Maire ou son représentant (Tours) A pris part point n° 1",
        f"Point n° 1 — logement {ref_a}",
        "12 rue des Tanneurs",
        "2 membres sur 2 à voix délibérative",
        "Marc Delorme a déclaré un conflit d’intérêts",
        "Attribution avec classement, rang 1",
        "Attribution sous condition suspensive, rang 2",
        "Non-attribution",
        "Motif : Revenus trop faibles pour le loyer; Logement trop grand pour le ménage",
        f"Point n° 2 — logement {ref_b}",
        "Issue : Renvoyé en séance physique",
        "Rose Vidal a demandé le renvoi en séance physique",
        "Situation à examiner en présence du demandeur",
        "Lucas Moreau",
    ):
        assert expected in text, expected


def _offer_reads_right(page, world, offer, shots) -> None:
    page.get_by_role("link", name=tr("Letters"), exact=True).click()
    row = page.get_by_role("row").filter(has_text=world.numbers("A")[1])
    expect(row).to_contain_text(tr("Offer of a dwelling"))
    # The officer reviews the draft (an attribution's reasons are optional), then sends it.
    row.get_by_role("link", name=tr("Review"), exact=True).click()
    expect(page.get_by_test_id("contact")).to_contain_text("Agence Tours Est")
    page.get_by_label("Votre demande correspond à la typologie").check()
    page.get_by_role("button", name=tr("Save the review")).click()
    page.get_by_role("button", name=tr("Send this letter")).click()
    expect(page.get_by_text(tr("Letter sent."))).to_be_visible()
    page.screenshot(path=str(shots / "offer-sent.png"), full_page=True)
    offer.refresh_from_db()
    sent_on = timezone.localdate(offer.sent_at)
    assert offer.answer_due_on == answer_due_on(sent_on=sent_on, postal_delay_days=3)
    page.get_by_role("link", name=tr("Letters"), exact=True).click()
    row = page.get_by_role("row").filter(has_text=world.numbers("A")[1])
    text = _download(page, row.get_by_role("link", name=tr("PDF"), exact=True), shots / "offer.pdf")
    for expected in (
        "Proposition de logement",
        "Lucas Moreau",
        world.numbers("A")[1],
        world.vacancies["A"].dwelling.reference,
        f"jusqu’au {pdf.fr_date(offer.answer_due_on)} inclus",
        "Agence Tours Est 2 place Jean Jaurès 37000 Tours Tél. : 02 47 60 00 00",
        "Votre demande correspond à la typologie et aux caractéristiques du logement.",
    ):
        assert expected in text, expected
    # The members' notes on the non-attribution never reach its letter.
    refusal = Letter.objects.get(kind=LetterKind.NON_ATTRIBUTION)
    assert "Revenus trop faibles" not in pdf_text_bytes(sending.letter_preview(refusal))


def test_remote_session_prepared_voted_closed_with_minutes_and_offer(
    new_page, tmp_path, mailoutbox
):
    world = build_world()
    officer = new_page()
    officer.goto(reverse("allocation:commission_list"))
    _login(officer, world.officer.username)
    session = _prepare(officer, world)
    members = (world.president, world.mayor, world.tenant)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in members)

    _president_votes(new_page, world)
    _tenant_votes_and_sends_back(new_page, world)
    _mayor_votes_on_a_phone(new_page, world, tmp_path)

    _close_and_read_results(officer, session, world, tmp_path)
    offer = _check_database(session, world)
    _minutes_read_right(officer, world, tmp_path)
    _offer_reads_right(officer, world, offer, tmp_path)

    # The item sent back waits for the commission's next in-person session.
    officer.goto(reverse("allocation:commission_list"))
    expect(officer.get_by_test_id("sent-back")).to_contain_text(
        world.vacancies["B"].dwelling.reference
    )
