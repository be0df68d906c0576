import datetime as dt

import pytest
from django.urls import reverse

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing.models import Building, Dwelling, Household, Lease, Occupant, Residence

from ..factories import (
    BuildingFactory,
    CommuneFactory,
    DwellingFactory,
    HouseholdFactory,
    LeaseFactory,
    OccupantFactory,
    ResidenceFactory,
)


@pytest.fixture
def stock(organisation):
    building = BuildingFactory(residence__organisation=organisation)
    for n in range(30):
        lease = LeaseFactory(dwelling__building=building, dwelling__reference=f"L{n:03d}")
        OccupantFactory(household=lease.household)
    DwellingFactory(building=building, reference="VACANT-1", typology="T2")
    return building


@pytest.mark.parametrize(
    "name, params",
    [
        ("dwelling_list", {}),
        ("dwelling_list", {"q": "l0", "typology": ["T3", "T4"], "occupied": "true"}),
        ("dwelling_list", {"commune": "tours", "financing": "PLUS", "accessible": "false"}),
        ("household_list", {}),
        ("household_list", {"q": "jeanne martin"}),
        ("household_list", {"q": "02 47 00 00 00", "page": "2"}),
        ("residence_list", {}),
        ("residence_list", {"q": "tilleuls", "commune": "tours"}),
        ("building_list", {}),
        ("building_list", {"q": "nationale", "in_qpv": "false"}),
    ],
)
def test_list_pages_run_a_bounded_number_of_queries(
    stock, owner_client, django_assert_max_num_queries, name, params
):
    """Session, user, memberships, crisis state, the page's ids, its rows, the COUNT when
    the first page does not hold every row (+ margin)."""
    with django_assert_max_num_queries(8) as captured:
        response = owner_client.get(reverse(f"housing:{name}"), params)
    assert response.status_code == 200
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(*)" in query["sql"]]
    assert 1 <= len(counts) <= 3  # the ids with the total; past the end, a COUNT and page 1
    assert not any("DISTINCT" in sql or "housing_occupant" in sql for sql in counts)


def test_dwelling_filters(stock, owner_client):
    url = reverse("housing:dwelling_list")
    page = owner_client.get(url, {"occupied": "false"}).context["page"]
    assert [d.reference for d in page.object_list] == ["VACANT-1"]
    page = owner_client.get(url, {"typology": ["T3"]}).context["page"]
    assert page.paginator.count == 30
    page = owner_client.get(url, {"commune": "Tours"}).context["page"]
    assert page.paginator.count == 31
    page = owner_client.get(url, {"q": "L01"}).context["page"]
    assert {d.reference for d in page.object_list} == {f"L01{n}" for n in range(10)}


def test_htmx_search_returns_only_the_results_partial(stock, owner_client):
    response = owner_client.get(
        reverse("housing:dwelling_list"), {"q": "VACANT"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "VACANT-1" in body and "<html" not in body


def test_household_search_finds_an_occupant_name(organisation, owner_client):
    household = HouseholdFactory(organisation=organisation, name="Foyer Bernard")
    OccupantFactory(household=household, last_name="Zanetti")
    page = owner_client.get(reverse("housing:household_list"), {"q": "zanet"}).context["page"]
    assert list(page.object_list) == [household]


def test_opening_a_household_is_audited(organisation, member_factory):
    household = OccupantFactory(household__organisation=organisation).household
    user, client = member_factory(Role.OUTREACH_CALLER)
    assert client.get(reverse("housing:household_detail", args=[household.pk])).status_code == 200
    event = AuditEvent.objects.get(action="household.viewed")
    assert (event.actor, event.object_id, event.changes) == (
        user,
        str(household.pk),
        {"via": "web", "sensitive": True},
    )


def test_create_residence_building_dwelling(organisation, member_factory):
    CommuneFactory()
    _user, client = member_factory(Role.CUSTOMER_OFFICER)
    response = client.post(
        reverse("housing:residence_create"),
        {"reference": "RES-9", "name": "Les Tilleuls", "commune": "37261"},
    )
    residence = Residence.objects.get(reference="RES-9")
    assert response["Location"] == residence.get_absolute_url()
    assert residence.organisation == organisation
    client.post(
        reverse("housing:building_create", args=[residence.pk]),
        {
            "reference": "B-9",
            "address": "3 rue Colbert",
            "postcode": "37000",
            "commune": "37261",
            "floors": "3",
        },
    )
    building = Building.objects.get(reference="B-9")
    response = client.post(
        reverse("housing:dwelling_create", args=[building.pk]),
        {
            "reference": "D-9",
            "typology": "T2",
            "surface": "48,5",
            "floor": "1",
            "financing": "PLAI",
            "rent": "1 234,56",
        },
    )
    dwelling = Dwelling.objects.get(reference="D-9")
    assert (dwelling.rent_cents, str(dwelling.surface)) == (123456, "48.50")
    assert dwelling.organisation == organisation
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == [
        "organisation.created",
        "residence.created",
        "building.created",
        "dwelling.created",
    ]
    detail = client.get(dwelling.get_absolute_url()).content.decode()
    assert "1\u202f234,56\u00a0€" in detail


def test_bad_input_gets_a_message_and_changes_nothing(organisation, owner_client):
    CommuneFactory()
    ResidenceFactory(organisation=organisation, reference="TAKEN")
    response = owner_client.post(
        reverse("housing:residence_create"),
        {"reference": "TAKEN", "name": "Doublon", "commune": "99999"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "commune" in form.errors
    assert Residence.objects.count() == 1


def test_duplicate_reference_in_the_same_organisation_is_refused(organisation, owner_client):
    CommuneFactory()
    ResidenceFactory(organisation=organisation, reference="TAKEN")
    response = owner_client.post(
        reverse("housing:residence_create"),
        {"reference": "TAKEN", "name": "Doublon", "commune": "37261"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Residence.objects.count() == 1


def test_same_reference_in_another_organisation_is_fine(other_organisation, owner_client):
    CommuneFactory()
    ResidenceFactory(organisation=other_organisation, reference="R1")
    owner_client.post(
        reverse("housing:residence_create"),
        {"reference": "R1", "name": "La nôtre", "commune": "37261"},
    )
    assert Residence.objects.filter(reference="R1").count() == 2


def test_lease_start_and_end(organisation, owner_client):
    dwelling = DwellingFactory(building__residence__organisation=organisation, rent_cents=50_000)
    household = HouseholdFactory(organisation=organisation, reference="M-1")
    url = reverse("housing:lease_start", args=[dwelling.pk])
    data = {
        "reference": "BAIL-1",
        "household_reference": "M-1",
        "start_date": "2026-11-01",
        "charges": "80,00",
        "housing_benefit": "120",
    }
    assert owner_client.post(url, data).status_code == 302
    lease = Lease.objects.get()
    assert (lease.household, lease.rent_cents, lease.charges_cents) == (household, 50_000, 8_000)
    assert lease.housing_benefit_cents == 12_000
    # A double submit does not create a second current lease.
    response = owner_client.post(url, {**data, "reference": "BAIL-2"})
    assert response.status_code == 400 and Lease.objects.count() == 1
    end = reverse("housing:lease_end", args=[lease.pk])
    assert owner_client.post(end, {"end_date": "2026-12-31"}).status_code == 302
    lease.refresh_from_db()
    assert lease.end_date == dt.date(2026, 12, 31)


def test_lease_start_refuses_another_organisations_household(
    organisation, other_organisation, owner_client
):
    dwelling = DwellingFactory(building__residence__organisation=organisation)
    HouseholdFactory(organisation=other_organisation, reference="THEIRS")
    response = owner_client.post(
        reverse("housing:lease_start", args=[dwelling.pk]),
        {
            "reference": "B",
            "household_reference": "THEIRS",
            "start_date": "2026-11-01",
            "charges": "10",
        },
    )
    assert "household_reference" in response.context["form"].errors
    assert not Lease.objects.exists()


def test_occupant_edit_keeps_sensitive_fields_for_roles_that_cannot_see_them(
    organisation, member_factory
):
    occupant = OccupantFactory(household__organisation=organisation, vulnerable=True)
    _user, client = member_factory(Role.MANAGER)
    page = client.get(reverse("housing:occupant_edit", args=[occupant.pk])).content.decode()
    assert "has_disability" not in page
    client.post(
        reverse("housing:occupant_edit", args=[occupant.pk]),
        {
            "first_name": "Jeanne",
            "last_name": "Martin-Durand",
            "birth_date": "1941-05-12",
            "is_holder": "on",
            "phone": "02 47 00 00 00",
            "preferred_channel": "phone",
        },
    )
    occupant.refresh_from_db()
    assert occupant.last_name == "Martin-Durand"
    assert occupant.has_disability and occupant.vulnerability_consent


def test_household_create(organisation, owner_client):
    owner_client.post(reverse("housing:household_create"), {"reference": "H1", "name": "Famille A"})
    household = Household.objects.get()
    assert household.organisation == organisation
    owner_client.post(
        reverse("housing:occupant_create", args=[household.pk]),
        {
            "first_name": "Ana",
            "last_name": "A",
            "birth_date": "1990-01-01",
            "phone": "0612345678",
            "preferred_channel": "sms",
        },
    )
    assert str(Occupant.objects.get().phone.as_e164) == "+33612345678"


def test_commune_autocomplete(owner_client):
    CommuneFactory()
    response = owner_client.get(reverse("housing:commune_options"), {"commune": "tou"})
    assert '<option value="37261">Tours (37)</option>' in response.content.decode()


def test_occupant_form_stores_an_overseas_phone_under_its_country_code(organisation, owner_client):
    household = HouseholdFactory(organisation=organisation)
    owner_client.post(
        reverse("housing:occupant_create", args=[household.pk]),
        {
            "first_name": "Ana",
            "last_name": "A",
            "birth_date": "1990-01-01",
            "phone": "0692 12 34 56",
            "preferred_channel": "sms",
        },
    )
    assert Occupant.objects.get().phone.as_e164 == "+262692123456"
