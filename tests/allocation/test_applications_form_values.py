"""The application form reads phones and French numbers by the import rules (issue 19 §3)."""

import pytest
from django.urls import reverse
from django.utils import translation

from relais.allocation.models import Application
from relais.core.roles import Role

from ..factories import CommuneFactory
from .test_applications_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client(member_factory):
    CommuneFactory(code="37122", name="Joué-lès-Tours")
    CommuneFactory()
    return member_factory(Role.ALLOCATION_OFFICER)[1]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0692 12 34 56", "+262692123456"),
        ("0596 70 00 00", "+596596700000"),
        ("06 12 34 56 78", "+33612345678"),
        ("", ""),
    ],
)
def test_phones_are_stored_under_their_country_code(client, written, stored):
    response = client.post(reverse("allocation:application_create"), form_data(phone=written))
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.phone == stored
    if stored:
        page = client.get(reverse("allocation:application_edit", args=[application.pk]))
        assert f'value="{written}"' in page.content.decode()  # shown the national way


def test_an_invalid_phone_is_refused(client):
    response = client.post(reverse("allocation:application_create"), form_data(phone="12345"))
    assert "phone" in response.context["form"].errors
    assert not Application.objects.exists()


def test_an_income_of_18_000_with_a_dot_is_refused_not_18_euros(client):
    response = client.post(reverse("allocation:application_create"), form_data(income_n2="18.000"))
    assert "ambiguous" in response.context["form"].errors["income_n2"][0]
    assert not Application.objects.exists()


def test_incomes_and_amounts_typed_the_french_way(client):
    data = form_data(income_n2="18 000", income_n1="16\u202f500", monthly_resources="1\u00a0450,5")
    response = client.post(reverse("allocation:application_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert (application.income_n2, application.income_n1) == (18_000, 16_500)
    assert application.monthly_resources_cents == 145_050


def test_an_amount_of_18_000_with_a_dot_is_refused_in_forms_too(client):
    response = client.post(
        reverse("allocation:application_create"), form_data(monthly_resources="1.450")
    )
    assert "ambiguous" in response.context["form"].errors["monthly_resources"][0]


def test_members_under_14_and_urban_renewal_are_recorded(client):
    """Consumption units need the members under 14 (first-quartile indicator); the applicant
    is 14 or more, so they are fewer than the persons."""
    url = reverse("allocation:application_create")
    refused = client.post(url, form_data(members_under_14="3"))
    assert refused.context["form"].errors == {
        "members_under_14": ["The applicant is 14 or more: fewer than the persons."]
    }
    assert not Application.objects.exists()
    response = client.post(url, form_data(members_under_14="2", urban_renewal_rehousing="on"))
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert (application.members_under_14, application.urban_renewal_rehousing) == (2, True)


def test_the_edit_form_names_the_wished_communes(client):
    """The codes field says which communes the stored codes are, by name."""
    response = client.post(
        reverse("allocation:application_create"), form_data(wished_communes="37122")
    )
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    page = client.get(reverse("allocation:application_edit", args=[application.pk]))
    html = page.content.decode()
    helptext = html[html.index('id="id_wished_communes_helptext"') :][:300]
    assert "Now: " in helptext and "(37122)." in helptext
