"""Every message interventions queue has a purpose the outbox page shows in French: a label
registered with ``register_purpose``, never the raw code nor "Other message"."""

import pytest
from django.urls import reverse
from django.utils import translation

from relais.core.outbox import OutboxMessage, queue_message
from relais.core.outbox.purposes import PURPOSES, UNKNOWN_PURPOSE, purpose_label
from relais.core.roles import Role
from relais.interventions import notify
from relais.interventions.on_call import notify as on_call_notify
from relais.interventions.work_orders import notify as work_order_notify

pytestmark = pytest.mark.django_db


def _codes() -> set[str]:
    """The codes interventions send with: each ``PURPOSE*`` constant of its notify modules."""
    modules = (notify, on_call_notify, work_order_notify)
    return {
        getattr(module, name)
        for module in modules
        for name in dir(module)
        if name.startswith("PURPOSE")
    }


def test_every_purpose_has_a_french_label():
    codes = _codes()
    assert codes >= {"intervention_status", "work_order_link", "on_call_alert"}
    with translation.override("fr"):
        for code in codes:
            assert code in PURPOSES, code
            label = str(purpose_label(code))
            assert label not in (code, str(UNKNOWN_PURPOSE)), code


def test_the_outbox_page_shows_the_label(organisation, member_factory):
    queue_message(
        organisation=organisation,
        channel="email",
        to="bons@plomberie-martin.example",
        subject="Bon de commande DI-2026-000042",
        body="Bonjour",
        purpose=work_order_notify.PURPOSE_LINK,
    )
    _user, client = member_factory(Role.CUSTOMER_OFFICER)
    page = client.get(reverse("core:outbox_list")).content.decode()
    assert OutboxMessage.objects.count() == 1
    assert "Bon de commande et son lien, au prestataire" in page
    assert "work_order_link" not in page.replace('value="work_order_link"', "")
