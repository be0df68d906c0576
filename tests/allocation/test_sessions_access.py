"""Who reaches the members' pages (by seat, not by role) and the session actions."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.allocation.models import DeclarationKind, Position, SessionStatus
from relais.core.roles import Role

from ..factories import MembershipFactory
from .factories_commissions import board, seat, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _member_urls(prepared):
    session = prepared.session
    candidate = prepared.candidates()[0]
    return {
        "my_sessions": reverse("allocation:my_sessions"),
        "vote": reverse("allocation:vote", args=[session.pk]),
        "vote_candidate": reverse("allocation:vote_candidate", args=[session.pk, candidate.pk]),
    }


def _posts(prepared):
    session, item = prepared.session, prepared.items[0]
    candidate = prepared.candidates()[0]
    return {
        reverse("allocation:vote_position", args=[session.pk, candidate.pk]): {
            "choice": "attribution",
            "rank": "1",
        },
        reverse("allocation:vote_declaration", args=[session.pk, item.pk]): {
            "kind": DeclarationKind.CONFLICT,
        },
    }


def test_a_member_of_the_commission_reaches_every_member_page(organisation):
    prepared = board(organisation, mark="MARKER-OWN")
    client = _client(prepared.tenant.user)
    for name, url in _member_urls(prepared).items():
        response = client.get(url)
        assert response.status_code == 200, name
    for url, data in _posts(prepared).items():
        assert client.post(url, data).status_code == 302
    assert Position.objects.count() == 0  # the conflict withdrew the position just recorded


def test_a_member_of_another_commission_gets_404(organisation):
    prepared = board(organisation, mark="MARKER-OWN")
    other = board(organisation, mark="MARKER-OTHER")
    client = _client(other.tenant.user)
    urls = _member_urls(prepared)
    assert "MARKER-OWN" not in client.get(urls.pop("my_sessions")).content.decode()
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name
    for url, data in _posts(prepared).items():
        assert client.post(url, data).status_code == 404
    assert not Position.objects.exists()


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.ALLOCATION_OFFICER, Role.DIRECTOR])
def test_staff_without_a_seat_get_403(organisation, role):
    prepared = board(organisation, mark="MARKER-OWN")
    client = _client(MembershipFactory(organisation=organisation, role=role).user)
    urls = _member_urls(prepared)
    mine = client.get(urls.pop("my_sessions"))
    assert mine.status_code == 200 and "MARKER-OWN" not in mine.content.decode()
    for name, url in urls.items():
        assert client.get(url).status_code == 403, name
    for url, data in _posts(prepared).items():
        assert client.post(url, data).status_code == 403


def test_outsiders_and_anonymous(organisation, other_organisation):
    prepared = board(organisation)
    theirs = board(other_organisation)
    outsider = _client(theirs.tenant.user)
    urls = _member_urls(prepared)
    del urls["my_sessions"]
    for name, url in urls.items():
        assert outsider.get(url).status_code == 404, name
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    for url, data in _posts(prepared).items():
        assert outsider.post(url, data).status_code == 404


def test_a_session_in_preparation_is_not_shown_to_members(organisation):
    prepared = board(organisation, status=SessionStatus.DRAFT, mark="MARKER-DRAFT")
    client = _client(prepared.tenant.user)
    body = client.get(reverse("allocation:my_sessions")).content.decode()
    # The member's own name (in the top bar) carries the commission's name: look at the page.
    assert "MARKER-DRAFT" not in body[body.index("<main") :]
    assert client.get(reverse("allocation:vote", args=[prepared.session.pk])).status_code == 404


def test_outside_members_must_set_up_two_factor_authentication(organisation):
    prepared = board(organisation)
    newcomer = seat(prepared.commission, "landlord", totp=False)
    client = _client(newcomer.user)
    for name, url in _member_urls(prepared).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"] == reverse("mfa_activate_totp")
    for url, data in _posts(prepared).items():
        assert client.post(url, data).status_code == 302
    assert not Position.objects.exists()
    with_totp(newcomer.user)
    assert client.get(_member_urls(prepared)["vote"]).status_code == 200


def test_staff_with_a_seat_follow_the_organisations_rule(organisation):
    prepared = board(organisation)
    officer = seat(prepared.commission, "landlord", role=Role.ALLOCATION_OFFICER, totp=False)
    client = _client(officer.user)
    assert client.get(_member_urls(prepared)["vote"]).status_code == 200


@pytest.mark.parametrize("action", ["session_open", "session_close", "session_item_remove"])
def test_staff_actions_are_post_only_and_need_the_ability(organisation, other_organisation, action):
    prepared = board(organisation, status=SessionStatus.DRAFT)
    target = prepared.items[0] if action == "session_item_remove" else prepared.session
    url = reverse(f"allocation:{action}", args=[target.pk])
    director = _client(MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user)
    reader = _client(MembershipFactory(organisation=organisation, role=Role.READ_ONLY).user)
    outsider = _client(MembershipFactory(organisation=other_organisation).user)
    assert director.get(url).status_code == 405
    assert reader.post(url).status_code == 403
    assert _client(prepared.president.user).post(url).status_code == 403
    assert outsider.post(url).status_code == 404
    assert director.post(url).status_code == 302


def test_my_sessions_is_in_the_menu_only_of_those_who_sit_or_manage(organisation, member_factory):
    """An accountant or HR officer sees « My sessions » only once seated on a commission."""
    from relais.allocation.models import CommissionMember

    from .factories import CommissionFactory

    user, client = member_factory(Role.ACCOUNTANT)
    _hr, hr_client = member_factory(Role.HR_OFFICER)
    _director, director_client = member_factory(Role.DIRECTOR)
    url = reverse("allocation:my_sessions")
    assert url not in client.get("/").content.decode()
    assert url not in hr_client.get("/").content.decode()
    assert url in director_client.get("/").content.decode()
    CommissionMember.objects.create(
        organisation=organisation,
        commission=CommissionFactory(organisation=organisation),
        user=user,
        seat="landlord",
    )
    assert url in client.get("/").content.decode()
