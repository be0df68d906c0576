"""The main menu: a registry grouped so it holds on one line, each entry by ability."""

import re

import pytest

from relais.core import navigation
from relais.core.roles import Role


def _menu(client):
    html = client.get("/").content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    return nav


@pytest.mark.django_db
def test_director_sees_groups_as_drop_downs(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    nav = _menu(client)
    assert 'id="menu-stock"' in nav and 'id="menu-allocation"' in nav
    assert 'href="/journal/"' in nav  # audit trail: directors only
    assert "/attributions/mes-seances/" in nav


@pytest.mark.django_db
def test_member_without_ability_does_not_see_its_entries(member_factory):
    _user, client = member_factory(Role.CARETAKER)
    nav = _menu(client)
    assert 'href="/journal/"' not in nav
    assert "/attributions/demandes/" not in nav


@pytest.mark.django_db
def test_a_group_with_one_entry_is_a_plain_link(member_factory):
    # A commission member has only "My sessions" and the crisis page: two plain links.
    _user, client = member_factory(Role.COMMISSION_MEMBER)
    nav = _menu(client)
    assert "dropdown-toggle" not in re.sub(r'<ul class="navbar-nav">.*', "", nav, flags=re.S)
    assert "/attributions/mes-seances/" in nav


@pytest.mark.django_db
def test_social_partner_has_no_sessions_entry(member_factory):
    _user, client = member_factory(Role.SOCIAL_PARTNER)
    assert "/attributions/mes-seances/" not in _menu(client)


def test_registry_refuses_unknown_group_and_entries_visible_to_everyone():
    with pytest.raises(ValueError):
        navigation.register_item("nowhere", "x", "core:home", ability="audit.view")
    with pytest.raises(ValueError):
        navigation.register_item("admin", "x", "core:home")
