"""Second trial: switching « outreach campaigns active » off closed a campaign for good with no
warning. ``/crise/`` now names the campaigns the switch would close (or start) before anything
is applied, and says after a change when no campaign is tied to the switch."""

import pytest
from django.urls import reverse

from relais.core.models import CrisisMode
from relais.core.roles import Role
from relais.core.services import crisis_mode_change

from .fixtures import campaign

pytestmark = pytest.mark.django_db

NONE_TIED = (
    "Aucune campagne d’appels ne démarre avec cet interrupteur : démarrez-les depuis "
    "Suivi › Campagnes."
)


def _switch(organisation, on):
    return crisis_mode_change(
        organisation=organisation, actor=None, mode=CrisisMode.CRISIS,
        switches={"outreach_active": on},
    )  # fmt: skip


def test_the_crisis_page_names_the_campaigns_the_switch_would_close(
    organisation, other_organisation, member_factory
):
    campaign(organisation, name="Canicule juillet", start_with_switch=True)
    campaign(organisation, name="Grand froid", start=False, start_with_switch=True)
    campaign(organisation, name="Par la main", start_with_switch=False)
    campaign(other_organisation, name="Ailleurs", start_with_switch=True)
    _user, client = member_factory(Role.DIRECTOR)
    page = client.get(reverse("core:crisis")).content.decode()
    closes = (
        "Coupé maintenant, cette campagne est fermée définitivement (une campagne fermée ne "
        "peut pas être relancée) : « Canicule juillet »."
    )
    # In the effects list and beside the switch in the form, before anything is applied.
    assert page.count(closes) == 2
    assert "Activé maintenant, cette campagne démarre : « Grand froid »." in page
    assert "Par la main" not in page and "Ailleurs" not in page


def test_a_change_with_no_campaign_tied_says_so(organisation, member_factory):
    campaign(organisation, name="Par la main", start_with_switch=False)
    assert _switch(organisation, True).listener_messages == [NONE_TIED]
    _user, client = member_factory(Role.DIRECTOR)
    assert NONE_TIED in client.get(reverse("core:crisis")).content.decode()
    off = _switch(organisation, False).listener_messages
    assert off == [
        "Aucune campagne d’appels ne se ferme avec cet interrupteur : celles en cours "
        "continuent ; fermez-les depuis Suivi › Campagnes."
    ]
