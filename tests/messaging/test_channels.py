"""The real channels: Twilio's API against a local fake server, its signed delivery reports,
SMS lengths, French typography, and the letters' address in the envelope window."""

import base64
import json
import re
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase

from relais.core.outbox import sms_twilio
from relais.core.outbox.models import OutboxMessage, OutboxStatus
from relais.core.outbox.services import queue_message
from relais.messaging import merge, window


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers like Twilio's Messages resource: 201 with a sid, 400 for an invalid number
    (code 21211), 503 when ``busy`` is set."""

    received: list = []
    busy = False

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        FakeTwilio.received.append({"path": self.path, "form": form,
                                    "auth": self.headers["Authorization"]})  # fmt: skip
        if FakeTwilio.busy:
            return self._answer(503, {"message": "Service unavailable"})
        if form["To"] == "+33600000000":
            return self._answer(400, {"code": 21211, "message": "Invalid 'To' Phone Number"})
        return self._answer(201, {"sid": f"SM{len(FakeTwilio.received):032d}", "status": "queued"})

    def _answer(self, code, payload):
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings):
    FakeTwilio.received = []
    FakeTwilio.busy = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.RELAIS_SMS_BACKEND = "relais.core.outbox.sms_twilio.TwilioBackend"
    settings.TWILIO_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC123", "secret-token"
    settings.TWILIO_FROM = "RELAIS"
    settings.SITE_URL = "https://relais.example.fr"
    yield FakeTwilio
    server.shutdown()
    server.server_close()


def _sms(organisation, to="06 12 34 56 78"):
    """Queue a text and run its delivery task (queued on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return queue_message(organisation=organisation, channel="sms", to=to, subject="",
                             body="Coupure d'eau mardi", purpose="tests.sms")  # fmt: skip


def test_twilio_sends_with_basic_auth_and_keeps_the_sid(organisation, twilio):
    message = _sms(organisation)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    [call] = twilio.received
    assert call["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert call["form"]["To"] == "+33612345678" and call["form"]["From"] == "RELAIS"
    assert call["form"]["StatusCallback"] == "https://relais.example.fr/messages/sms/statut/"
    assert base64.b64decode(call["auth"].split()[1]) == b"AC123:secret-token"
    assert message.provider_reference == "SM" + "1".zfill(32)


def test_twilio_400_fails_at_once_and_503_is_retried(organisation, twilio):
    refused = _sms(organisation, to="06 00 00 00 00")
    refused.refresh_from_db()
    assert refused.status == OutboxStatus.FAILED and "21211" in refused.last_error
    twilio.busy = True
    busy = _sms(organisation, to="06 11 11 11 11")
    busy.refresh_from_db()
    assert busy.status == OutboxStatus.QUEUED and busy.attempts == 1


def test_signed_delivery_reports_mark_delivered_or_bounced(organisation, twilio, client):
    delivered, bounced = _sms(organisation), _sms(organisation, to="06 22 22 22 22")
    url = sms_twilio.status_callback_url()
    for message, status in ((delivered, "delivered"), (bounced, "undelivered")):
        message.refresh_from_db()
        form = {"MessageSid": message.provider_reference, "MessageStatus": status}
        forged = client.post("/messages/sms/statut/", form, HTTP_X_TWILIO_SIGNATURE="forged")
        assert forged.status_code == 403
        signature = sms_twilio.signature(url, form, "secret-token")
        answer = client.post("/messages/sms/statut/", form, HTTP_X_TWILIO_SIGNATURE=signature)
        assert answer.status_code == 204
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert statuses[delivered.pk] == OutboxStatus.DELIVERED
    assert statuses[bounced.pk] == OutboxStatus.BOUNCED


def test_the_bounce_webhook_needs_its_token(organisation, client, settings):
    settings.RELAIS_BOUNCE_WEBHOOK_TOKEN = "bounce-secret"
    assert (
        client.post("/messages/rebonds/wrong/", b"x", content_type="message/rfc822").status_code
        == 404
    )
    answer = client.post("/messages/rebonds/bounce-secret/", b"x", content_type="message/rfc822")
    assert answer.status_code == 204


@pytest.mark.parametrize(
    ("text", "encoding", "parts"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("é" * 160, "GSM-7", 1),  # é is in the GSM alphabet
        ("€" * 80, "GSM-7", 1),  # two septets each
        ("ê" * 70, "UCS-2", 1),  # ê is not
        ("ê" * 71, "UCS-2", 2),
        ("ê" * 134, "UCS-2", 2),
        ("ê" * 135, "UCS-2", 3),
        ("", "GSM-7", 0),
    ],
)
def test_sms_lengths(text, encoding, parts):
    found = merge.sms_length(text)
    assert (found.encoding, found.parts) == (encoding, parts)


def test_french_typography_keeps_spaces_with_their_sign():
    assert merge.french_typography("Attention : coupure ! « Eau » ?") == (
        "Attention\u00a0: coupure\u202f! «\u00a0Eau\u00a0» ?".replace(" ?", "\u202f?")
    )


@pytest.mark.parametrize("envelope", ["dl", "c5_6"])
def test_the_address_block_is_seen_through_the_window_whatever_the_slide(envelope):
    assert window.visible(envelope).contains(window.ADDRESS[envelope])


WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>')


def words_in_mm(pdf: bytes, tmp_path) -> list[tuple[str, int, float, float, float, float]]:
    """(word, page, left, top, right, bottom) in millimetres, from ``pdftotext -bbox``."""
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    pt = 25.4 / 72
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line
        )
        if found:
            x0, y0, x1, y1 = (float(found[i]) * pt for i in range(1, 5))
            words.append((found[5], page, x0, y0, x1, y1))
    return words


def address_words_inside(pdf, tmp_path, envelope, names):
    box = window.visible(envelope)
    for word, page, x0, y0, x1, y1 in words_in_mm(pdf, tmp_path):
        if word in names and page > 1:
            assert box.left <= x0 and x1 <= box.right, (word, x0, x1, box)
            assert box.top <= y0 and y1 <= box.bottom, (word, y0, y1, box)
            names = names - {word}
    assert not names, f"not printed: {names}"
