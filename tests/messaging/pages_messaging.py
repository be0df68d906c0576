"""Broadcast pages in the authorisation matrix (tests/test_authorisation_matrix.py).

POST-only actions, the letters' PDF and the public pages: tests/messaging/test_pages.py.
"""

from relais.messaging.models import Broadcast
from tests.factories import UserFactory

PAGES = {
    "messaging:broadcast_list": ("broadcast.view", None),
    "messaging:broadcast_create": ("broadcast.send", None),
    "messaging:broadcast_detail": ("broadcast.view", {"pk": "broadcast"}),
    "messaging:broadcast_edit": ("broadcast.send", {"pk": "broadcast"}),
    "messaging:broadcast_recipients": ("broadcast.view", {"pk": "broadcast"}),
}
NOT_PAGES = {
    "messaging:broadcast_send",
    "messaging:broadcast_approve",
    "messaging:broadcast_cancel",
    "messaging:broadcast_letters",
    "messaging:public_messages",
    "messaging:public_poster",
}


def world(organisation, mark, base):
    broadcast = Broadcast.objects.create(
        organisation=organisation,
        title=f"Diffusion {mark}",
        criteria=[{"key": "organisation"}],
        subject=f"Sujet {mark}",
        body="Bonjour {nom}",
        sms_body="Bonjour {nom}",
        created_by=UserFactory(),
    )
    return {"broadcast": broadcast}
