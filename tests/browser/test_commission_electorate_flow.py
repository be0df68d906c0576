"""Who votes on what, in a real browser (issue 7 §1).

The Tours commission's remote session has two Tours dwellings on its agenda. The mayor of
Joué-lès-Tours, who also sits on the commission, logs in from a phone: both items are listed,
each marked "not in your electorate", with the dwelling but no candidate and no vote button;
a candidate's file is a 404 for him. We chose to show the item rather than hide it: a member
who reads the session notice expects the whole agenda, and an item that silently vanished
would look like an error; what he does not need — the applicants' files — is not shown.

The mayor of Tours, who votes on them, writes a remark in the item's written exchange; the
tenant representative reads it on their own page.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from relais.allocation.commissions import agenda, sessions
from relais.allocation.models import Commission, Seat, Session
from relais.core.roles import Role

from ..factories import CommuneFactory
from .allocation_setup import COMMISSION, _member, build_world
from .test_allocation_remote_flow import PHONE, _login, _member_page, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_session(world) -> Session:
    commission = Commission.objects.get(organisation=world.organisation, name=COMMISSION)
    session = agenda.session_create(
        commission=commission, actor=world.officer, opens_at=timezone.now(), kind="remote"
    )
    for letter in ("A", "B"):
        agenda.agenda_item_add(
            session=session,
            vacancy=world.vacancies[letter],
            actor=world.officer,
            application_ids=[world.applications[f"{letter}{n}"].pk for n in (1, 2, 3)],
        )
    return sessions.session_open(session=session, actor=world.officer)


def _joue_mayor(world):
    """The mayor of Joué-lès-Tours: an outside member with an authenticator app."""
    commission = Commission.objects.get(organisation=world.organisation, name=COMMISSION)
    joue = CommuneFactory(code="37122", name="Joué-lès-Tours")
    user = _member(
        world.organisation,
        commission,
        "maire-joue",
        ("Frédéric", "Augis"),
        Seat.MAYOR,
        Role.COMMISSION_MEMBER,
        commune=joue,
    )
    world.secrets[user.username] = generate_totp_secret()
    TOTP.activate(user, world.secrets[user.username])
    return user


def test_a_mayor_of_another_commune_finds_no_vote_on_a_tours_item(new_page, tmp_path):
    world = build_world()
    joue = _joue_mayor(world)
    session = _open_session(world)
    candidate = session.items.get(position=1).candidates.get(proposed_rank=1)

    page = new_page(**PHONE)
    page.goto(reverse("allocation:my_sessions"))
    _login(page, joue.username, world.secrets[joue.username])
    page.get_by_role("table").get_by_role("link").click()
    tabs = page.get_by_role("navigation", name=tr("Items of the agenda"))
    expect(tabs.get_by_role("link")).to_have_count(2)
    for link in tabs.get_by_role("link").all():
        expect(link).to_contain_text(tr("not in your electorate"))
    notice = page.get_by_test_id("outside-electorate")
    expect(notice).to_contain_text(tr("Not in your electorate."))
    expect(notice).to_contain_text("Tours")
    expect(page.get_by_test_id("candidate")).to_have_count(0)
    expect(page.get_by_role("button", name=tr("Save my position"))).to_have_count(0)
    expect(page.get_by_text(world.numbers("A")[0])).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling on a phone
    page.screenshot(path=str(tmp_path / "joue-phone.png"), full_page=True)
    file_url = reverse("allocation:vote_candidate", args=[session.pk, candidate.pk])
    assert page.goto(file_url).status == 404

    # The mayor of Tours votes on the item and writes in its exchange; the tenant reads it.
    mayor = _member_page(new_page, world, world.mayor, **PHONE)
    expect(mayor.get_by_test_id("candidate")).to_have_count(3)
    remark = "Le candidat 2 travaille à deux rues du logement."
    mayor.get_by_label(tr("Your remark")).fill(remark)
    mayor.get_by_role("button", name=tr("Post the remark")).click()
    expect(mayor.get_by_test_id("remark")).to_have_count(1)
    mayor.screenshot(path=str(tmp_path / "exchange-phone.png"), full_page=True)
    tenant = _member_page(new_page, world, world.tenant)
    exchange = tenant.get_by_test_id("exchange")
    expect(exchange.get_by_test_id("remark")).to_contain_text(remark)
    expect(exchange).to_contain_text("Marc Delorme")
    tenant.screenshot(path=str(tmp_path / "exchange-desktop.png"), full_page=True)


def test_a_manager_records_the_internal_rules(new_page, tmp_path):
    world = build_world()
    commission = Commission.objects.get(organisation=world.organisation, name=COMMISSION)
    for width, height in ((1280, 900), PHONE.values()):
        page = new_page(width=width, height=height)
        page.goto(reverse("allocation:commission_rules", args=[commission.pk]))
        _login(page, world.president.username)  # a manager
        page.get_by_label(tr("Majority of the votes cast (more than half)")).check()
        page.get_by_label(tr("The president of the dwelling's EPCI")).check()
        page.screenshot(path=str(tmp_path / f"rules-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("button", name=tr("Save"), exact=True).click()
        expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
            tr("Internal rules saved: they apply to the sessions opened from now on.")
        )
    rules = commission.rules
    rules.refresh_from_db()
    assert (rules.decision_rule, rules.casting_vote) == ("majority", "epci")
