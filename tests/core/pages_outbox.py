"""The outbox page in the authorisation matrix (tests/test_authorisation_matrix.py).

Sending a failed message again is POST only: tests/core/test_outbox_page.py.
"""

from relais.core.outbox import queue_message

PAGES = {"core:outbox_list": ("outbox.view", None)}
# Public endpoints (signed link, provider webhooks): tests/messaging/test_broadcasts.py and
# tests/messaging/test_channels.py.
NOT_PAGES = {
    "core:outbox_retry",
    "core:outbox_unsubscribe",
    "core:outbox_twilio_status",
    "core:outbox_bounces",
}


def world(organisation, mark, base):
    message = queue_message(
        organisation=organisation,
        channel="email",
        to=f"locataire-{organisation.pk}@example.fr",
        subject=f"Sujet {mark}",
        body=f"Texte {mark}",
        purpose="tests.matrix",
        household=base["household"],
    )
    return {"outbox_message": message}
