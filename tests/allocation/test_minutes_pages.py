"""Minutes pages: officers draw them up, the president (an outside member) acknowledges them."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from relais.allocation.commissions import minutes
from relais.allocation.models import Session, SessionStatus
from relais.core.roles import Role

from ..factories import MembershipFactory
from .factories_letters import closed_session, says

pytestmark = pytest.mark.usefixtures("ceilings_loaded")


@pytest.fixture
def outcome(organisation):
    return closed_session(organisation)


def _client_for_seat(member):
    """An outside member: their membership gives no allocation role, only their seat counts."""
    MembershipFactory(
        organisation=member.organisation, user=member.user, role=Role.COMMISSION_MEMBER
    )
    client = Client()
    client.force_login(member.user)
    return client


def _urls(session):
    return {
        name: reverse(f"allocation:{name}", args=[session.pk])
        for name in ("session_minutes", "minutes_download", "minutes_generate")
    } | {"acknowledge": reverse("allocation:minutes_acknowledge", args=[session.pk])}


def test_officer_draws_up_the_minutes_and_cannot_acknowledge(outcome, member_factory):
    urls = _urls(outcome.session)
    officer = member_factory(Role.ALLOCATION_OFFICER)[1]
    assert 'name="sha256"' not in officer.get(urls["session_minutes"]).content.decode()
    assert officer.post(urls["minutes_generate"]).status_code == 302
    outcome.session.refresh_from_db()
    assert outcome.session.minutes_pdf is not None
    page = officer.get(urls["session_minutes"]).content.decode()
    assert urls["minutes_download"] in page and 'name="sha256"' not in page
    assert officer.post(urls["acknowledge"]).status_code == 403
    assert member_factory(Role.MANAGER)[1].post(urls["minutes_generate"]).status_code == 403


def test_outside_president_acknowledges_and_downloads_the_sealed_minutes(outcome):
    session = outcome.session
    content = minutes.minutes_generate(session)
    digest = hashlib.sha256(content).hexdigest()
    urls = _urls(session)
    president = _client_for_seat(outcome.president)

    page = president.get(urls["session_minutes"]).content.decode()
    assert f'name="sha256" value="{digest}"' in page
    response = president.post(urls["acknowledge"], {"sha256": digest}, follow=True)
    assert says(response, "Minutes acknowledged and sealed.")
    session.refresh_from_db()
    assert session.status == SessionStatus.SEALED and session.minutes_sha256 == digest

    download = president.get(urls["minutes_download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="proces-verbal-')
    assert hashlib.sha256(download.content).hexdigest() == session.minutes_sha256
    # The president reads the minutes, not the letters or the files.
    letters_url = reverse("allocation:letter_list", args=[session.pk])
    assert president.get(letters_url).status_code == 403


def test_sealed_minutes_refuse_regeneration_from_the_page(outcome, member_factory):
    session = outcome.session
    content = minutes.minutes_generate(session)
    minutes.minutes_acknowledge(session=session, actor=outcome.president.user)
    officer = member_factory(Role.ALLOCATION_OFFICER)[1]
    response = officer.post(_urls(session)["minutes_generate"], follow=True)
    assert says(response, "The minutes are sealed and can no longer change.")
    session.refresh_from_db()
    assert bytes(session.minutes_pdf) == content


def test_tampered_minutes_are_not_served(outcome, member_factory):
    session = outcome.session
    minutes.minutes_generate(session)
    minutes.minutes_acknowledge(session=session, actor=outcome.president.user)
    Session.objects.filter(pk=session.pk).update(minutes_pdf=b"%PDF-forged")
    officer = member_factory(Role.ALLOCATION_OFFICER)[1]
    urls = _urls(session)
    assert officer.get(urls["minutes_download"]).status_code == 409
    page = officer.get(urls["session_minutes"])
    assert says(
        page,
        "The stored minutes no longer match the sealed ones: they are not served. "
        "Contact your administrator.",
    )
    assert urls["minutes_download"] not in page.content.decode()


def test_other_members_and_outsiders_do_not_see_the_minutes(
    outcome, member_factory, outsider_client
):
    minutes.minutes_generate(outcome.session)
    urls = _urls(outcome.session)
    tenant_member = _client_for_seat(outcome.members[1])
    accountant = member_factory(Role.ACCOUNTANT)[1]
    for client in (tenant_member, accountant):
        assert client.get(urls["session_minutes"]).status_code == 403
        assert client.get(urls["minutes_download"]).status_code == 403
        assert client.post(urls["acknowledge"]).status_code == 403
    assert outsider_client.get(urls["minutes_download"]).status_code == 404
    assert outsider_client.post(urls["acknowledge"]).status_code == 404
    anonymous = Client().get(urls["minutes_download"])
    assert anonymous["Location"].startswith(reverse("account_login"))
    outcome.session.refresh_from_db()
    assert outcome.session.status == SessionStatus.CLOSED


def test_download_before_drawing_up_is_not_found(outcome, member_factory):
    officer = member_factory(Role.ALLOCATION_OFFICER)[1]
    assert officer.get(_urls(outcome.session)["minutes_download"]).status_code == 404
