"""Search as people type: accents, case, spaces, phone spellings, e-mails, references."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from relais.core.search import compact, phone_digits, terms
from relais.housing import selectors
from relais.housing.forms import CommuneField
from relais.housing.models import Household, Occupant, Residence
from relais.housing.search import household_document
from relais.housing.services import lease_end, record_save

from ..factories import (
    BuildingFactory,
    CommuneFactory,
    DwellingFactory,
    HouseholdFactory,
    LeaseFactory,
    OccupantFactory,
    ResidenceFactory,
)

# --- Folding, without a database ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Élodie", "elodie"),
        ("ÉLODIE", "elodie"),
        ("Joué-lès-Tours", "jouelestours"),
        ("Le Brun", "lebrun"),
        ("N'Diaye", "ndiaye"),
        ("Œuvre", "oeuvre"),
        ("Lætitia", "laetitia"),
        ("Straße", "strasse"),
        ("elodie.lebrun@example.org", "elodielebrunexampleorg"),
        ("", ""),
    ],
)
def test_compact(text, folded):
    assert compact(text) == folded


@pytest.mark.parametrize(
    "phone",
    ["0612345678", "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+33612345678"]
    + ["0033 6 12 34 56 78", "(+33) 6-12-34-56-78"],
)
def test_every_spelling_of_a_french_phone_gives_its_national_digits(phone):
    assert phone_digits(phone) == "0612345678"
    assert terms(phone) == ["0612345678"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("elodie", ["elodie"]),
        ("  Élodie   LE BRUN ", ["elodie", "le", "brun"]),
        ("joue les tours", ["joue", "les", "tours"]),
        ("+33 6 12", ["0612"]),
        ("+44 20 7946 0000", ["00442079460000"]),
        ("MEN-000123", ["men000123"]),
        ("123", ["123"]),  # too short for a phone: a word
        ("— ' -", []),
        ("", []),
    ],
)
def test_terms(query, expected):
    assert terms(query) == expected


# --- Households -------------------------------------------------------------------------------


@pytest.fixture
def lebrun(organisation):
    """Élodie Le Brun's household, living in dwelling LOG-77/B."""
    household = HouseholdFactory(
        organisation=organisation, name="Famille Le Brun", reference="MEN042"
    )
    OccupantFactory(
        household=household,
        first_name="Élodie",
        last_name="Le Brun",
        phone="+33612345678",
        email="Elodie.LeBrun@example.org",
    )
    OccupantFactory(household=household, first_name="Noé", last_name="Lebrun", phone="")
    dwelling = DwellingFactory(building__residence__organisation=organisation, reference="LOG-77/B")
    LeaseFactory(dwelling=dwelling, household=household)
    return household


@pytest.fixture
def others(organisation, other_organisation):
    """A decoy in the same organisation, and Élodie Le Brun's namesake elsewhere."""
    OccupantFactory(
        household__organisation=organisation,
        first_name="Jeanne",
        last_name="Martin",
        phone="+33247000000",
        email="jeanne@example.net",
    )
    OccupantFactory(
        household__organisation=other_organisation,
        first_name="Élodie",
        last_name="Le Brun",
        phone="+33612345678",
        email="elodie.lebrun@example.org",
    )


def _found(client, query) -> list[str]:
    response = client.get(reverse("housing:household_list"), {"q": query})
    assert response.status_code == 200
    return [household.reference for household in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query",
    [
        "elodie",  # the case: "elodie" finds "Élodie"
        "ÉLODIE",
        "Elodie Le Brun",
        "le brun elodie",
        "lebrun",
        "LE BRUN",
        "noe",
        "famille le brun",
        "0612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "06 12 34",  # while typing
        "elodie.lebrun@example.org",
        "ELODIE.LEBRUN@EXAMPLE",
        "men042",
        "MEN 042",
        "log-77/b",  # the dwelling of the current lease
        "log77b",
    ],
)
def test_household_search(lebrun, others, owner_client, query):
    assert _found(owner_client, query) == ["MEN042"]


@pytest.mark.parametrize("query", ["martine", "0612345679", "elodie martin", "zoe"])
def test_household_search_misses(lebrun, others, owner_client, query):
    assert _found(owner_client, query) == []


def test_household_search_in_the_api(lebrun, others, organisation):
    found = selectors.search_households(selectors.households(organisation), "+33 6 12 34 56 78")
    assert [household.reference for household in found] == ["MEN042"]


def test_search_follows_the_services(lebrun, organisation, owner_client):
    occupant = lebrun.occupants.get(first_name="Élodie")
    owner = occupant.household.organisation
    occupant.first_name, occupant.phone = "Léa", "+33645998877"
    occupant.email = "lea@example.org"
    record_save(organisation=owner, actor=None, instance=occupant, entity="occupant")
    assert _found(owner_client, "elodie") == []
    assert _found(owner_client, "lea le brun") == ["MEN042"]
    assert _found(owner_client, "06 45 99 88 77") == ["MEN042"]
    assert _found(owner_client, "06 12 34 56 78") == []
    lease = lebrun.leases.get()
    lease_end(organisation=organisation, actor=None, lease=lease, end_date=dt.date(2026, 1, 31))
    assert _found(owner_client, "LOG-77/B") == []
    lebrun.name = "Foyer Dupré"
    record_save(organisation=organisation, actor=None, instance=lebrun, entity="household")
    assert _found(owner_client, "dupre") == ["MEN042"]


def test_occupant_form_keeps_the_search_column(lebrun, owner_client):
    occupant = lebrun.occupants.get(first_name="Noé")
    response = owner_client.post(
        reverse("housing:occupant_edit", args=[occupant.pk]),
        {
            "first_name": "Noé",
            "last_name": "Lebrun",
            "birth_date": "2010-04-02",
            "phone": "06 45 12 34 56",
            "email": "",
            "preferred_channel": "letter",
        },
    )
    assert response.status_code == 302
    assert _found(owner_client, "0645123456") == ["MEN042"]


def test_household_search_reads_one_table(lebrun, others, organisation):
    """No sub-query over occupants: every organisation's occupants are never scanned."""
    queryset = selectors.search_households(selectors.households(organisation), "elodie")
    with CaptureQueriesContext(connection) as captured:
        assert queryset.count() == 1
    (count_sql,) = [query["sql"] for query in captured.captured_queries]
    assert "housing_occupant" not in count_sql and "housing_lease" not in count_sql
    assert "organisation_id" in count_sql


# --- Dwellings ----------------------------------------------------------------------------------


@pytest.fixture
def dwellings(organisation):
    commune = CommuneFactory(code="37122", name="Joué-lès-Tours")
    residence = ResidenceFactory(organisation=organisation, name="Résidence Les Érables")
    building = BuildingFactory(
        residence=residence, address="12 rue Émile Zola", postcode="37300", commune=commune
    )
    DwellingFactory(building=building, reference="ERA-101")
    DwellingFactory(building__residence__organisation=organisation, reference="AUTRE-1")


@pytest.mark.parametrize(
    "query",
    [
        "era-101",
        "ERA 101",
        "emile zola",
        "12 RUE EMILE",
        "les erables",
        "erables",
        "joue les tours",
    ],
)
def test_dwelling_search(dwellings, owner_client, query):
    response = owner_client.get(reverse("housing:dwelling_list"), {"q": query})
    assert [dwelling.reference for dwelling in response.context["page"].object_list] == ["ERA-101"]


def test_residence_rename_refreshes_its_dwellings(dwellings, organisation, owner_client):
    residence = Residence.objects.get(name="Résidence Les Érables")
    residence.name = "Résidence Les Magnolias"
    record_save(organisation=organisation, actor=None, instance=residence, entity="residence")
    url = reverse("housing:dwelling_list")
    response = owner_client.get(url, {"q": "magnolias"})
    assert [d.reference for d in response.context["page"].object_list] == ["ERA-101"]
    assert not owner_client.get(url, {"q": "erables"}).context["page"].object_list


# --- Communes ---------------------------------------------------------------------------------


@pytest.fixture
def communes(db):
    for code, name, population in (
        ("37208", "Saint-Avertin", 15_000),
        ("37122", "Joué-lès-Tours", 38_000),
        ("37261", "Tours", 136_000),
        ("37214", "Saint-Cyr-sur-Loire", 16_000),
    ):
        CommuneFactory(code=code, name=name, population=population)


@pytest.mark.parametrize(
    "typed, first",
    [
        ("saint avertin", "Saint-Avertin"),
        ("SAINT-AVERTIN", "Saint-Avertin"),
        ("joue les tours", "Joué-lès-Tours"),
        ("Joué-lès", "Joué-lès-Tours"),
        ("tou", "Tours"),
        ("saint", "Saint-Cyr-sur-Loire"),  # the bigger one first
    ],
)
def test_commune_picker(communes, owner_client, typed, first):
    response = owner_client.get(reverse("housing:commune_options"), {"commune": typed})
    options = response.content.decode()
    assert f">{first} (37)</option>" in options.split("<option")[1]


@translation.override("en")
def test_commune_field_takes_a_name_or_a_code(communes):
    assert CommuneField().clean("joue les tours").code == "37122"
    assert CommuneField().clean("37261").name == "Tours"
    CommuneFactory(code="41001", name="Saint-Avertin")  # a namesake in another département
    with pytest.raises(ValidationError, match="Several communes are named"):
        CommuneField().clean("saint avertin")
    with pytest.raises(ValidationError, match="No commune is named"):
        CommuneField().clean("Atlantide")


def test_household_search_on_the_whole_list_is_paginated(organisation, owner_client):
    for n in range(55):
        HouseholdFactory(organisation=organisation, name=f"Famille Éluard {n:02d}")
    page = owner_client.get(reverse("housing:household_list"), {"q": "eluard"}).context["page"]
    assert page.paginator.count == 55 and len(page.object_list) == 50
    assert Household.objects.filter(search__contains="eluard").count() == 55


# --- Imports and the demo seed keep the columns ----------------------------------------------


def test_imports_fill_the_search_columns(organisation, owner_client):
    from .test_import_export import LEASE_ROW, OCCUPANT_ROW, csv_file, run, stock_row

    CommuneFactory()
    for kind, row in (
        ("stock", stock_row()),
        ("households", {**OCCUPANT_ROW, "first_name": "Zoé", "last_name": "N'Diaye"}),
        ("leases", LEASE_ROW),
    ):
        assert run(organisation, kind, csv_file([row])).ok
    for query in ("zoe ndiaye", "02 47 00 00 00", "+33247000000", "jeanne@example", "log1"):
        assert _found(owner_client, query) == ["MEN1"], query
    response = owner_client.get(reverse("housing:dwelling_list"), {"q": "tilleuls"})
    assert [dwelling.reference for dwelling in response.context["page"].object_list] == ["LOG1"]


def test_demo_seed_fills_the_search_columns(db):
    from relais.housing.demo import seed_demo

    seed_demo(scale="tiny")
    occupant = (
        Occupant.objects.exclude(phone="").exclude(email="").select_related("household").first()
    )
    household = occupant.household
    lease = household.leases.select_related("dwelling__building__residence").get()
    assert household.search == household_document(
        household.name,
        household.reference,
        household.occupants.order_by("pk").values_list("first_name", "last_name", "phone", "email"),
        lease.dwelling.reference,
    )
    found = selectors.search_households(
        Household.objects.filter(organisation=household.organisation),
        f"{occupant.first_name} {occupant.last_name} {occupant.phone}",
    )
    assert household in found
    dwelling = lease.dwelling
    assert compact(dwelling.building.residence.name) in dwelling.search
    assert not Household.objects.filter(search="").exists()


def test_a_foreign_phone_is_found_with_its_country_code(organisation, owner_client):
    OccupantFactory(
        household__organisation=organisation,
        household__reference="MEN-UK",
        phone="+44 20 7946 0000",
    )
    assert _found(owner_client, "+44 20 7946 0000") == ["MEN-UK"]
    assert _found(owner_client, "0044 20 7946") == ["MEN-UK"]
    assert _found(owner_client, "02079460000") == []  # not a French number
