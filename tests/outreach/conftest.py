import pytest
from django.utils import timezone


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def move_to(self, when):
        self.monkeypatch.setattr(timezone, "now", lambda: when)


@pytest.fixture
def time_machine(monkeypatch):
    """``time_machine.move_to(aware datetime)``: Django's clock (``timezone.now``) jumps."""
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _within_calling_hours(monkeypatch):
    """Every outreach test runs at 10:00 (Europe/Paris) today, the clock ticking from there: a
    "no answer" is then retried the same day whatever the hour the suite runs (retries fall
    within calling hours, ``rules.retry_at``; the boundary has its own tests)."""
    from .fixtures import move_into_calling_hours

    move_into_calling_hours(monkeypatch)
