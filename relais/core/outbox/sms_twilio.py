"""Text messages through Twilio's Programmable Messaging REST API (a real provider).

Implemented from Twilio's public documentation ("Messages resource", "Track the message
status", "Webhooks security"):

- send: ``POST {TWILIO_API_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json``, HTTP basic
  authentication (account SID, auth token), form fields ``To`` (E.164), ``From``, ``Body`` and
  ``StatusCallback`` (where Twilio posts the delivery status); the answer is ``201`` with the
  message's ``sid``. A ``400`` answer (invalid or unreachable number, recipient who sent STOP:
  codes 21211, 21610, 21614…) is final; ``429`` and ``5xx`` are retried by the outbox.
- delivery reports: Twilio POSTs ``MessageSid`` and ``MessageStatus`` (``delivered``,
  ``undelivered``, ``failed``…) to the callback, signed in ``X-Twilio-Signature``: base64 of the
  HMAC-SHA1, keyed with the auth token, of the callback URL followed by each POST parameter's
  name and value, sorted by name (:func:`signature`).

Settings: ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM`` (a number or an
alphanumeric sender), ``TWILIO_API_URL`` (tests point it to a local fake server).
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.urls import reverse

from .sms import BaseSmsBackend, PermanentSmsError, Sms

TIMEOUT_SECONDS = 10  # well under RELAIS_OUTBOX_STALE_SECONDS


def status_callback_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("core:outbox_twilio_status")


def signature(url: str, params: dict[str, str], token: str) -> str:
    """Twilio's request signature of a form POST to ``url`` with ``params``."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioBackend(BaseSmsBackend):
    def send(self, message: Sms) -> str:
        sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
        url = f"{settings.TWILIO_API_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        form = {
            "To": message.to,
            "From": settings.TWILIO_FROM,
            "Body": message.body,
            "StatusCallback": status_callback_url(),
        }
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(form).encode(), method="POST"
        )
        credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
        request.add_header("Accept", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")[:500]
            if error.code == 400:
                raise PermanentSmsError(f"Twilio 400: {text}") from error
            raise  # 401/403 (settings), 429, 5xx: retried
        return str(answer.get("sid", ""))
