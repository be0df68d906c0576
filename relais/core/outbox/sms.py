"""Text messages behind one small interface, chosen by ``settings.RELAIS_SMS_BACKEND``.

A backend is a class with a ``send(message: Sms) -> str`` method that hands one text to its
provider and returns the provider's reference for it (or any string that identifies it). It
raises :class:`PermanentSmsError` when the provider refuses the message for good (an unknown
number, a blocked recipient): the outbox then stops retrying; any other exception (a timeout, a
5xx answer, a connection refused) is retried with backoff. See docs/outbox.md for plugging a
provider's HTTP API.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class PermanentSmsError(Exception):
    """The provider refused this message for good: retrying would not help."""


@dataclass(frozen=True)
class Sms:
    to: str  # E.164, e.g. "+33612345678"
    body: str
    # Stable per outbox message: a provider that deduplicates on a client reference will not
    # deliver a re-sent message twice (a worker killed between the send and its status write).
    reference: str


class BaseSmsBackend:
    def send(self, message: Sms) -> str:
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    """Writes each text to ``settings.RELAIS_SMS_FILE_PATH`` (``var/sms/`` by default), one file
    per message named by its reference, so a re-send overwrites instead of adding a file."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or settings.RELAIS_SMS_FILE_PATH)

    def send(self, message: Sms) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{message.reference}.txt"
        written = timezone.now().astimezone(dt.UTC).isoformat()
        path.write_text(f"To: {message.to}\nDate: {written}\n\n{message.body}\n", "utf-8")
        return path.name


def get_backend() -> BaseSmsBackend:
    """An instance of the configured backend (``RELAIS_SMS_BACKEND``, a dotted class path)."""
    return import_string(settings.RELAIS_SMS_BACKEND)()
