"""The holder's page names its flow with French elision (« du flux d’Action Logement Services »)."""

import pytest
from django.urls import reverse
from django.utils import translation

from relais.allocation.models import HolderKind

from .factories_reservations import holder, holder_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("Action Logement Services", "Logements du flux d’Action Logement Services"),
        ("Préfecture d'Indre-et-Loire", "Logements du flux de Préfecture d&#x27;Indre-et-Loire"),
    ],
)
def test_holder_page_heading_elides(client, name, heading):
    the_holder = holder(name, kind=HolderKind.ACTION_LOGEMENT)
    client.force_login(holder_user(the_holder))
    with translation.override("fr"):
        body = client.get(
            reverse("allocation:holder_assignment_list"), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
    assert heading in body
