"""Application search: number, names, phone and e-mail, accents, case and spaces ignored."""

import pytest
from django.urls import reverse

from relais.allocation.applications.services import application_create, application_update
from relais.allocation.models import Application

from ..factories import CommuneFactory
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("allocation:application_list")


def create(organisation, communes=(), **fields):
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation, actor=None, application=application, wished_communes=communes
    )


@pytest.fixture
def applications(organisation, other_organisation):
    joue = CommuneFactory(code="37122", name="Joué-lès-Tours")
    create(
        organisation,
        [joue],
        registration_number="037122502600042",
        applicant_first_name="Éloïse",
        applicant_last_name="N'Guyen-Lefèvre",
        phone="+33 6 12 34 56 78",
        email="eloise.nguyen@example.org",
    )
    create(organisation, [CommuneFactory()], applicant_first_name="Samia", phone="02 47 00 00 00")
    create(
        other_organisation,
        [joue],
        applicant_first_name="Éloïse",
        applicant_last_name="N'Guyen-Lefèvre",
        phone="06 12 34 56 78",
    )


@pytest.mark.parametrize(
    "query",
    [
        "eloise",
        "ÉLOÏSE",
        "nguyen lefevre",
        "n'guyen-lefèvre",
        "lefevre eloise",
        "0612345678",
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "06.12.34",
        "eloise.nguyen@example.org",
        "037122502600042",
        "0371225026",  # the beginning of the number
    ],
)
def test_application_search(applications, owner_client, query):
    page = owner_client.get(LIST, {"q": query}).context["page"]
    assert [row.applicant_first_name for row in page.object_list] == ["Éloïse"]


@pytest.mark.parametrize("query", ["eloisa", "06 12 34 56 79", "samia lefevre"])
def test_application_search_misses(applications, owner_client, query):
    assert not owner_client.get(LIST, {"q": query}).context["page"].object_list


def test_wished_commune_by_folded_name(applications, owner_client):
    page = owner_client.get(LIST, {"commune": "joue les tours"}).context["page"]
    assert [row.applicant_first_name for row in page.object_list] == ["Éloïse"]


def test_the_service_keeps_the_search_column(applications, organisation, owner_client):
    application = Application.objects.get(organisation=organisation, applicant_first_name="Samia")
    application.applicant_last_name, application.phone = "Benali", "07 81 00 11 22"
    application_update(actor=None, application=application)
    page = owner_client.get(LIST, {"q": "samia benali 0781"}).context["page"]
    assert [row.pk for row in page.object_list] == [application.pk]  # words, then digits
    page = owner_client.get(LIST, {"q": "07 81 00 11 22"}).context["page"]
    assert [row.pk for row in page.object_list] == [application.pk]
    page = owner_client.get(LIST, {"q": "samia benali"}).context["page"]
    assert [row.pk for row in page.object_list] == [application.pk]
