"""POST /api/v1/allocation/eligibility: public, same service as the pages, 422 on bad input."""

import json

import pytest
from django.test import Client
from django.utils import translation

from relais.allocation.eligibility.ceilings import load_income_ceilings
from relais.allocation.eligibility.services import income_ceiling_table_enter
from relais.allocation.models import CommuneAbcZone
from relais.core.models import AuditEvent
from relais.housing.geo import load_geo

from ..factories import CommuneFactory, DepartementFactory, RegionFactory
from .factories_eligibility import commune
from .test_eligibility_rules import PLI_2023, amounts_of

URL = "/api/v1/allocation/eligibility"
VALID = {
    "year": 2026,
    "financing": "PLUS",
    "commune_code": "37261",
    "persons": 3,
    "dependants": 2,
    "is_couple": False,
    "combined_age": None,
    "has_disabled_member": False,
    "reference_income": 30_000,
}


@pytest.fixture(autouse=True)
def ceilings(db):
    load_income_ceilings()
    for code in ("37261", "75056", "92012", "78646"):
        commune(code)
    with translation.override("en"):
        yield


def post(payload, client=None, **headers):
    client = client or Client(headers={"Accept-Language": "en", **headers})
    return client.post(URL, data=json.dumps(payload), content_type="application/json")


def test_eligibility_without_an_api_key():
    response = post(VALID)

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "category": 4,
        "extra_persons": 0,
        "zone": "autres_regions",
        "ceiling": 45374,
        "eligible": True,
        "explanation": [
            "Household of 3 persons, 2 dependants, no couple.",
            "A single adult with dependants: the household goes one category up.",
            "Household category 4.",
            "PLUS ceiling 2026, Other regions, category 4: 45,374\u00a0€ a year.",
            "Reference income 30,000\u00a0€ ≤ ceiling 45,374\u00a0€: eligible.",
        ],
    }
    assert not AuditEvent.objects.exclude(action="income_ceilings.loaded").exists()


def test_a_bad_api_key_does_not_matter_on_a_public_operation():
    assert post(VALID, Authorization="Bearer rls_not-a-key").status_code == 200


@pytest.mark.parametrize(
    ("code", "zone", "ceiling"),
    [
        ("92012", "paris_limitrophes", 62968),  # Boulogne-Billancourt adjoins Paris
        ("75056", "paris_limitrophes", 62968),
        ("78646", "ile_de_france", 57930),
        ("37261", "autres_regions", 45374),
    ],
)
def test_zone_comes_from_the_commune(code, zone, ceiling):
    body = post({**VALID, "commune_code": code}).json()

    assert (body["zone"], body["ceiling"]) == (zone, ceiling)


def test_zones_of_the_real_geographic_data():
    load_geo()
    zones = {
        code: post({**VALID, "commune_code": code}).json()["zone"]
        for code in ("92012", "75056", "78646", "37261", "94003")
    }

    assert zones == {
        "92012": "paris_limitrophes",  # Boulogne-Billancourt (missing from openfisca's list)
        "75056": "paris_limitrophes",
        "78646": "ile_de_france",  # Versailles
        "37261": "autres_regions",  # Tours
        "94003": "ile_de_france",  # Arcueil: close to Paris, not adjoining
    }


def test_pls_and_not_eligible():
    body = post({**VALID, "financing": "PLS", "reference_income": 58_987}).json()

    assert body["ceiling"] == 58986  # 45 374 × 1.30 = 58 986.2
    assert body["eligible"] is False


def _error(response):
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    return error["loc"], error["msg"]


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        (
            {"year": 2019},
            ["body", "payload", "year"],
            "No PLUS income-ceiling table for 2019 (Other regions): the platform's "
            "administrators must enter it first.",
        ),
        (
            {"financing": "PLAI"},
            ["body", "payload", "year"],
            "No PLAI income-ceiling table for 2026 (Other regions): the platform's "
            "administrators must enter it first.",
        ),
        (
            {"commune_code": "99999"},
            ["body", "payload", "commune_code"],
            "No commune has the INSEE code 99999.",
        ),
        (
            {"dependants": 3},
            ["body", "payload", "dependants"],
            "Dependants must be fewer than the persons of the household (at least one adult).",
        ),
        (
            {"persons": 2, "dependants": 1, "is_couple": True},
            ["body", "payload", "is_couple"],
            "A couple is two adults: persons minus dependants must be at least 2.",
        ),
        (
            {"reference_income": -1},
            ["body", "payload", "reference_income"],
            "Input should be greater than or equal to 0",
        ),
        (
            {"financing": "PLX"},
            ["body", "payload", "financing"],
            "Input should be 'PLAI', 'PLUS', 'PLS' or 'PLI'",
        ),
        (
            {"commune_code": "Tours"},
            ["body", "payload", "commune_code"],
            "String should match pattern '^(?:\\d{2}|2[AB])\\d{3}$'",
        ),
        (
            {"persons": "three"},
            ["body", "payload", "persons"],
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
    ids=[
        "missing-year",
        "missing-plai",
        "unknown-commune",
        "dependants",
        "couple",
        "negative-income",
        "bad-financing",
        "bad-code",
        "bad-type",
    ],
)
def test_invalid_requests_get_422_with_a_message(change, loc, message):
    assert _error(post({**VALID, **change})) == (loc, message)


@pytest.mark.parametrize("field", ["year", "financing", "commune_code", "reference_income"])
def test_missing_field_is_422(field):
    payload = {name: value for name, value in VALID.items() if name != field}

    assert _error(post(payload)) == (["body", "payload", field], "Field required")


def test_a_body_that_is_not_json_is_400():
    response = Client().post(URL, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_combined_age_is_optional():
    payload = {name: value for name, value in VALID.items() if name != "combined_age"}
    payload.update(persons=2, dependants=0, is_couple=True)

    assert post(payload).json()["category"] == 2
    assert post({**payload, "combined_age": 52}).json()["category"] == 3


def test_operation_is_in_the_openapi_schema_without_security():
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/allocation/eligibility"]["post"]

    assert "security" not in operation
    assert set(operation["responses"]) == {"200", "400", "422"}
    body = schema["components"]["schemas"]["EligibilityIn"]
    assert set(body["required"]) == set(VALID) - {"combined_age"}


# Issue 19 §7: the API answers JSON, whatever the request.

TWO_AND_A_HALF_MB = 2_621_440


@pytest.mark.parametrize("debug", [False, True])
def test_a_2_5_mb_body_is_a_json_413(settings, debug):
    """The issue's case: a traceback with DEBUG=1, an HTML 400 without."""
    settings.DEBUG = debug
    payload = {**VALID, "padding": "x" * TWO_AND_A_HALF_MB}

    response = post(payload)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "The request body is too large."}


def test_a_body_within_the_limit_still_works():
    assert post({**VALID, "padding": "x" * 1000}).status_code == 200


def test_an_unknown_api_path_is_a_json_404():
    response = Client().post(
        "/api/v1/allocation/eligibilite", data="{}", content_type="application/json"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_overseas_commune_is_refused_not_given_a_metropolitan_table():
    # Saint-Denis de La Réunion: overseas departments have their own financings (LLS, LLTS).
    region = RegionFactory(code="04", name="La Réunion")
    departement = DepartementFactory(code="974", name="La Réunion", region=region)
    CommuneFactory(code="97411", name="Saint-Denis", departement=departement, zone="autres_regions")
    for financing in ("PLAI", "PLUS", "PLS", "PLI"):
        response = post({**VALID, "commune_code": "97411", "financing": financing})
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["type"] == "overseas"
        assert error["loc"] == ["body", "payload", "commune_code"]
        assert error["msg"].startswith("No income-ceiling table for the overseas departments")


def test_pli_uses_the_abc_zone_and_says_when_there_is_no_table():
    CommuneAbcZone.objects.create(commune_id="37261", zone="b1")
    response = post({**VALID, "financing": "PLI", "year": 2027})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "missing_table"
    assert error["msg"] == (
        "No PLI income-ceiling table for 2027 (Zone B1): the platform's administrators must "
        "enter it first."
    )
    income_ceiling_table_enter(
        actor=None, year=2023, financing="PLI", amounts=amounts_of(PLI_2023), source="test"
    )
    # A single parent with two children: PLI category 4 (2 persons in care), B1 2023: 66 139 €.
    body = post({**VALID, "financing": "PLI", "year": 2023, "reference_income": 66_139}).json()
    assert (body["zone"], body["category"], body["ceiling"], body["eligible"]) == (
        "b1",
        4,
        66_139,
        True,
    )
    # Paris is zone A bis: the same household's ceiling is 97 904 €.
    CommuneAbcZone.objects.create(commune_id="75056", zone="abis")
    body = post({**VALID, "financing": "PLI", "year": 2023, "commune_code": "75056"}).json()
    assert (body["zone"], body["ceiling"]) == ("abis", 97_904)


def test_pli_without_a_zone_for_the_commune():
    response = post({**VALID, "financing": "PLI"})
    [error] = response.json()["detail"]
    assert (response.status_code, error["type"]) == (422, "no_zone")
