"""Issue 19 §5: a form opened in one organisation and submitted after a switch is refused.

The case: a director of two landlords opens "new residence" in one tab, switches organisation
in a second tab, then submits the first tab: the residence was created in the second landlord.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from relais.core.form_organisation import FIELD
from relais.core.models import CrisisModeChange
from relais.core.roles import Role
from relais.housing.models import Household, Residence

from ..factories import CommuneFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(organisation, other_organisation):
    user = UserFactory()
    for org in (organisation, other_organisation):
        MembershipFactory(user=user, organisation=org, role=Role.DIRECTOR)
    return user


def hidden(page: str, name: str) -> str:
    found = re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)
    assert found, f"no hidden {name} in the form"
    return found[0]


def switch(client, organisation) -> None:
    response = client.post(reverse("core:organisation_switch"), {"organisation": organisation.pk})
    assert response.status_code == 302


def open_form(client, url) -> dict:
    """What the browser would send back from the form at ``url``: its hidden fields."""
    return {FIELD: hidden(client.get(url).content.decode(), FIELD)}


def test_a_residence_form_submitted_after_switching_is_refused(
    director, organisation, other_organisation
):
    CommuneFactory()
    client = Client()
    client.force_login(director)
    switch(client, organisation)
    form = open_form(client, reverse("housing:residence_create"))
    assert form[FIELD] == str(organisation.pk)

    switch(client, other_organisation)  # in another tab
    response = client.post(
        reverse("housing:residence_create"),
        {**form, "reference": "RES-9", "name": "Les Tilleuls", "commune": "37261"},
    )

    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "ouvert pour Tours Habitat" in body and "Rien n'a été enregistré" in body
    assert f'name="organisation" value="{organisation.pk}"' in body  # offer to switch back
    assert not Residence.objects.exists()


@pytest.mark.parametrize(
    ("url", "data", "created"),
    [
        (
            "core:crisis",
            {"mode": "crisis", "note": "Inondation"},
            lambda: CrisisModeChange.objects.exists(),
        ),
        (
            "housing:household_create",
            {"name": "Famille Martin", "reference": "M-1"},
            lambda: Household.objects.filter(name="Famille Martin").exists(),
        ),
    ],
)
def test_other_real_forms_are_refused_after_a_switch(
    director, organisation, other_organisation, url, data, created
):
    client = Client()
    client.force_login(director)
    switch(client, organisation)
    form = open_form(client, reverse(url))
    switch(client, other_organisation)

    response = client.post(reverse(url), {**form, **data})

    assert response.status_code == 409
    assert not created()


def test_the_same_form_in_the_current_organisation_goes_through(director, organisation):
    CommuneFactory()
    client = Client()
    client.force_login(director)
    switch(client, organisation)
    form = open_form(client, reverse("housing:residence_create"))

    response = client.post(
        reverse("housing:residence_create"),
        {**form, "reference": "RES-9", "name": "Les Tilleuls", "commune": "37261"},
    )

    assert response.status_code == 302
    assert Residence.objects.get().organisation == organisation


def test_a_real_browser_post_without_the_field_is_refused(director, organisation):
    """Browsers always send it (``{% csrf_token %}`` renders it); its absence is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    page = client.get(reverse("core:crisis")).content.decode()
    token = hidden(page, "csrfmiddlewaretoken")

    missing = client.post(reverse("core:crisis"), {"csrfmiddlewaretoken": token, "mode": "crisis"})
    assert missing.status_code == 409
    complete = client.post(
        reverse("core:crisis"),
        {"csrfmiddlewaretoken": token, FIELD: hidden(page, FIELD), "mode": "crisis"},
    )
    assert complete.status_code == 302


def test_htmx_submissions_reload_the_page_with_the_message(
    director, organisation, other_organisation
):
    client = Client()
    client.force_login(director)
    switch(client, organisation)
    form = open_form(client, reverse("core:crisis"))
    switch(client, other_organisation)

    response = client.post(
        reverse("core:crisis"), {**form, "mode": "crisis"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409 and response["HX-Refresh"] == "true"
    page = html.unescape(client.get(reverse("core:home")).content.decode())
    assert "Rien n'a été enregistré" in page


def test_switching_back_from_a_stale_tab_is_allowed(director, organisation, other_organisation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    token = hidden(client.get(reverse("core:home")).content.decode(), "csrfmiddlewaretoken")

    response = client.post(
        reverse("core:organisation_switch"),
        {"csrfmiddlewaretoken": token, FIELD: "999999", "organisation": other_organisation.pk},
    )

    assert response.status_code == 302


def test_pages_without_an_organisation_render_no_field(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "csrfmiddlewaretoken" in page and FIELD not in page
