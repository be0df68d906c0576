"""Capabilities react to a declared day in the declaration's transaction
(``relais.continuity.listeners``)."""

import datetime as dt

import pytest

from relais.continuity import listeners, services
from relais.core.roles import Role

from .factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    calls = []
    monkeypatch.setattr(listeners, "_LISTENERS", {"test": lambda **kw: calls.append(kw)})
    return calls


def test_a_changed_day_is_told_to_the_listeners_once(organisation, heard):
    person = staff(organisation, Role.CARETAKER)
    day = dt.date(2026, 3, 17)
    for status in ("on_site", "sick", "sick"):
        services.day_declare(
            organisation=organisation, actor=None, staff=person, day=day, status=status
        )
    assert [(c["staff"], c["day"], c["before"], c["status"]) for c in heard] == [
        (person, day, "", "on_site"),
        (person, day, "on_site", "sick"),
    ]  # the same status again is not a change
