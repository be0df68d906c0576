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
