"""The JSON API: authentication, tenancy, abilities, sensitive fields, pagination, queries."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from relais.core.models import ApiKey, AuditEvent
from relais.core.roles import Role
from relais.core.services import api_key_revoke
from tests.factories import BuildingFactory, DwellingFactory, MembershipFactory, ResidenceFactory

from .factories import api_key_for, make_stock

ENTITIES = ["residences", "buildings", "dwellings", "households"]
HOUSING = ["residences", "buildings", "dwellings"]


@pytest.fixture
def stock(organisation):
    return make_stock(organisation)


@pytest.fixture
def other_stock(other_organisation):
    return make_stock(other_organisation)


@pytest.fixture
def key_for(organisation):
    """``key_for(role, org=None)`` → a clear API key of a new member with that role."""

    def make(role=Role.DIRECTOR, org=None):
        return api_key_for(org or organisation, role)

    return make


def api_get(key, path, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client().get(f"/api/v1/{path}", params, headers=headers)


def ids(response):
    return {row["id"] for row in response.json()["items"]}


# --- Owner, member without the ability, outsider ---------------------------------------


@pytest.mark.parametrize("entity", ENTITIES)
def test_owner_lists_only_own_rows(entity, stock, other_stock, key_for):
    response = api_get(key_for(Role.DIRECTOR), entity)
    assert response.status_code == 200
    model = type(stock[entity])
    own = set(
        model.objects.filter(organisation=stock[entity].organisation).values_list("pk", flat=True)
    )
    assert ids(response) == own
    assert response.json()["count"] == len(own)
    assert not ids(response) & {other_stock[entity].pk}


@pytest.mark.parametrize("entity", ENTITIES)
def test_owner_reads_detail(entity, stock, key_for):
    response = api_get(key_for(Role.DIRECTOR), f"{entity}/{stock[entity].pk}")
    assert response.status_code == 200
    assert response.json()["id"] == stock[entity].pk
    assert response.json()["reference"] == stock[entity].reference


@pytest.mark.parametrize(
    ("entity", "role"),
    [(entity, Role.COMMISSION_MEMBER) for entity in HOUSING]
    + [("households", Role.TECHNICIAN), ("households", Role.COMMISSION_MEMBER)],
)
def test_member_without_ability_gets_403(entity, role, stock, key_for):
    key = key_for(role)
    assert api_get(key, entity).status_code == 403
    response = api_get(key, f"{entity}/{stock[entity].pk}")
    assert response.status_code == 403
    assert response.json() == {"detail": "Forbidden"}


@pytest.mark.parametrize("entity", HOUSING)
def test_technician_sees_housing_stock(entity, stock, key_for):
    assert api_get(key_for(Role.TECHNICIAN), f"{entity}/{stock[entity].pk}").status_code == 200


@pytest.mark.parametrize("entity", ENTITIES)
def test_outsider_gets_404_on_our_ids(entity, stock, other_stock, other_organisation, key_for):
    key = key_for(Role.DIRECTOR, other_organisation)
    assert api_get(key, f"{entity}/{stock[entity].pk}").status_code == 404
    assert api_get(key, f"{entity}/{other_stock[entity].pk}").status_code == 200
    assert ids(api_get(key, entity)) & {stock[entity].pk} == set()


@pytest.mark.parametrize("entity", ENTITIES)
def test_missing_id_is_404(entity, stock, key_for):
    response = api_get(key_for(), f"{entity}/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


# --- Authentication --------------------------------------------------------------------


@pytest.fixture
def revoked_key(key_for):
    key = key_for()
    api_key = ApiKey.objects.get(prefix=key[:10])
    api_key_revoke(api_key=api_key, actor=api_key.user)
    return key


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("which", ["none", "bad", "revoked", "malformed"])
def test_without_a_valid_key_401(entity, which, stock, revoked_key):
    key = {"none": None, "bad": "rls_" + "x" * 43, "revoked": revoked_key, "malformed": "x"}
    for path in (entity, f"{entity}/{stock[entity].pk}"):
        response = api_get(key[which], path)
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}


def test_other_schemes_and_sessions_are_not_accepted(stock, key_for, owner_client):
    key = key_for()
    response = Client().get("/api/v1/residences", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 401
    assert owner_client.get("/api/v1/residences").status_code == 401


def test_key_stops_working_with_the_membership(stock, key_for):
    key = key_for()
    api_key = ApiKey.objects.select_related("user").get(prefix=key[:10])
    assert api_get(key, "residences").status_code == 200
    api_key.user.memberships.update(is_active=False)
    assert api_get(key, "residences").status_code == 401
    api_key.user.memberships.update(is_active=True)
    api_key.user.is_active = False
    api_key.user.save()
    assert api_get(key, "residences").status_code == 401


def test_key_of_one_organisation_does_not_open_another(stock, other_organisation, key_for):
    key = key_for(Role.DIRECTOR, other_organisation)
    api_key = ApiKey.objects.get(prefix=key[:10])
    # The same user is also a member of our organisation: the key still reads only its own.
    MembershipFactory(user=api_key.user, organisation=stock["residences"].organisation)
    assert api_get(key, f"residences/{stock['residences'].pk}").status_code == 404


def test_last_used_at_written_at_most_once_a_minute(stock, key_for, django_assert_num_queries):
    key = key_for()
    api_key = ApiKey.objects.get(prefix=key[:10])
    assert api_key.last_used_at is None
    api_get(key, "residences")
    api_key.refresh_from_db()
    first = api_key.last_used_at
    assert first is not None
    # Within the minute: authentication is one SELECT, no UPDATE.
    with django_assert_num_queries(3):  # key, count, rows
        api_get(key, "residences")
    api_key.refresh_from_db()
    assert api_key.last_used_at == first
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    api_get(key, "residences")
    api_key.refresh_from_db()
    assert api_key.last_used_at > first


# --- Households: sensitive fields and audit --------------------------------------------


def occupants_of(response):
    return sorted(response.json()["occupants"], key=lambda o: o["first_name"])


def test_read_only_does_not_see_sensitive_fields(stock, key_for):
    household = stock["households"]
    response = api_get(key_for(Role.READ_ONLY), f"households/{household.pk}")
    assert response.status_code == 200
    occupants = occupants_of(response)
    assert [o["first_name"] for o in occupants] == ["Jeanne", "Paul"]
    assert all(o["sensitive"] is None for o in occupants)
    assert "has_disability" not in response.content.decode()
    event = AuditEvent.objects.get(action="household.viewed")
    assert event.changes == {"via": "api", "sensitive": False}


def test_customer_officer_sees_sensitive_fields_and_is_audited(stock, key_for):
    household = stock["households"]
    key = key_for(Role.CUSTOMER_OFFICER)
    response = api_get(key, f"households/{household.pk}")
    assert response.status_code == 200
    jeanne, paul = occupants_of(response)
    assert jeanne["sensitive"] == {
        "has_disability": True,
        "lives_alone": True,
        "vulnerability_consent": True,
        "consent_recorded_on": "2020-03-20",
    }
    assert paul["sensitive"]["has_disability"] is False
    assert jeanne["phone"] == "+33247000000"
    event = AuditEvent.objects.get(action="household.viewed")
    assert event.changes == {"via": "api", "sensitive": True}
    assert event.organisation == household.organisation
    assert event.object_id == str(household.pk)
    assert event.actor == ApiKey.objects.get(prefix=key[:10]).user


def test_household_list_has_no_occupants_and_is_not_audited(stock, key_for):
    response = api_get(key_for(Role.CUSTOMER_OFFICER), "households")
    assert response.status_code == 200
    assert all("occupants" not in row for row in response.json()["items"])
    assert not AuditEvent.objects.filter(action="household.viewed").exists()


# --- Fields, filters, pagination -------------------------------------------------------


def test_dwelling_fields(stock, key_for):
    dwelling = stock["dwellings"]
    response = api_get(key_for(), f"dwellings/{dwelling.pk}")
    body = response.json()
    assert body["rent_cents"] == 45_000
    assert body["surface_m2"] == "65.50"
    assert body["occupied"] is True
    assert body["household_id"] == stock["households"].pk
    assert body["residence_id"] == stock["residences"].pk
    assert body["commune"] == {"code": "37261", "name": "Tours", "zone": "autres_regions"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"typology": "T2"}, {"let"}),
        ({"financing": "PLUS"}, {"vacant"}),
        ({"occupied": "true"}, {"let"}),
        ({"occupied": "false"}, {"vacant"}),
        ({"commune": "37261"}, {"let", "vacant"}),
        ({"commune": "37195"}, set()),
    ],
)
def test_dwelling_filters(params, expected, stock, key_for):
    let = stock["dwellings"]
    vacant = let.building.dwellings.exclude(pk=let.pk).get()
    names = {let.pk: "let", vacant.pk: "vacant"}
    response = api_get(key_for(), "dwellings", **params)
    assert response.status_code == 200
    assert {names[pk] for pk in ids(response)} == expected


def test_dwelling_filter_by_residence(stock, organisation, key_for):
    other_residence = BuildingFactory(residence__organisation=organisation)
    DwellingFactory(building=other_residence)
    key = key_for()
    response = api_get(key, "dwellings", residence=stock["residences"].pk)
    assert len(ids(response)) == 2
    response = api_get(key, "dwellings", residence=other_residence.residence_id)
    assert len(ids(response)) == 1


def test_invalid_filters_are_422(stock, key_for):
    key = key_for()
    assert api_get(key, "dwellings", typology="T9").status_code == 422
    assert api_get(key, "dwellings", commune="Tours").status_code == 422
    assert api_get(key, "households", q="a\x00b").status_code == 422
    assert api_get(key, "residences/0").status_code == 422
    assert api_get(key, "residences/99999999999999999999").status_code == 422


@pytest.mark.parametrize(
    ("q", "expected"), [("dupont", {"Famille Dupont"}), ("paul", None), ("zzz", set())]
)
def test_household_search(q, expected, stock, key_for):
    response = api_get(key_for(), "households", q=q)
    names = {row["name"] for row in response.json()["items"]}
    assert names == (expected if expected is not None else {stock["households"].name})


def test_pagination(organisation, key_for):
    ResidenceFactory.create_batch(5, organisation=organisation)
    key = key_for()
    every = [row["id"] for row in api_get(key, "residences").json()["items"]]
    page = api_get(key, "residences", limit=2, offset=2).json()
    assert page["count"] == 5
    assert [row["id"] for row in page["items"]] == every[2:4]
    assert api_get(key, "residences", limit=500).status_code == 200
    assert api_get(key, "residences", limit=501).status_code == 422
    assert api_get(key, "residences", offset=-1).status_code == 422


# --- Queries stay bounded --------------------------------------------------------------


@pytest.mark.parametrize("entity", ENTITIES)
def test_list_queries_do_not_grow_with_rows(
    entity, organisation, key_for, django_assert_max_num_queries
):
    for _ in range(6):
        make_stock(organisation)
    key = key_for()
    api_get(key, entity)  # the first use writes last_used_at
    with django_assert_max_num_queries(3):  # key, count, rows
        response = api_get(key, entity)
    assert response.json()["count"] >= 6


def test_household_detail_queries(stock, key_for, django_assert_max_num_queries):
    key = key_for(Role.CUSTOMER_OFFICER)
    api_get(key, "residences")
    # key, household, occupants, then the audit event (savepoint, chain head, insert, update).
    with django_assert_max_num_queries(8):
        api_get(key, f"households/{stock['households'].pk}")


# --- Schema and docs -------------------------------------------------------------------


def test_openapi_schema_declares_bearer_auth(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http"}
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}
    reads = {path for path, operations in schema["paths"].items() if "get" in operations}
    housing = {f"/api/v1/{entity}{suffix}" for entity in ENTITIES for suffix in ("", "/{id}")}
    interventions = {
        f"/api/v1/{entity}{suffix}"
        for entity in ("intervention-requests", "work-orders")
        for suffix in ("", "/{id}")
    }
    rent = {"/api/v1/rent/balances", "/api/v1/rent/ledgers/{id}"}
    federation = {"/api/v1/federation/members", "/api/v1/federation/regional"}
    assert reads == housing | interventions | rent | federation | {
        "/api/v1/allocation/applications/{id}/standing"
    }
    for path in reads:
        assert schema["paths"][path]["get"]["security"]
    # The eligibility simulator is the one public operation: it reads no personal data.
    eligibility = schema["paths"]["/api/v1/allocation/eligibility"]["post"]
    assert "security" not in eligibility or eligibility["security"] == [{}]


def test_docs_page(db):
    assert Client().get("/api/v1/docs").status_code == 200


# --- The api_key command ---------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_creates_a_working_key(stock, organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    out, err = run("create", membership.user.username, "--name", "Tableau de bord")
    key = out.strip()
    assert key.startswith("rls_")
    assert "will not be shown again" in err
    assert api_get(key, "residences").status_code == 200
    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.organisation) == ("Tableau de bord", organisation)
    assert AuditEvent.objects.filter(action="api_key.created", object_id=api_key.pk).exists()

    out, _ = run("list", membership.user.username)
    assert api_key.prefix in out
    assert key not in out

    out, _ = run("revoke", api_key.prefix)
    assert "Revoked" in out
    assert api_get(key, "residences").status_code == 401
    assert "revoked" in run("list", membership.user.username)[0]
    with pytest.raises(CommandError, match="No live API key"):
        run("revoke", api_key.prefix)


def test_command_needs_the_organisation_when_ambiguous(organisation, other_organisation):
    membership = MembershipFactory(organisation=organisation)
    MembershipFactory(user=membership.user, organisation=other_organisation)
    username = membership.user.username
    with pytest.raises(CommandError, match="choose with --organisation"):
        run("create", username)
    out, _ = run("create", username, "--organisation", other_organisation.slug)
    assert ApiKey.objects.get().organisation == other_organisation


def test_command_refuses_non_members_and_outside_roles(organisation, other_organisation):
    membership = MembershipFactory(organisation=organisation)
    with pytest.raises(CommandError, match="not an active member of 'scalis'"):
        run("create", membership.user.username, "--organisation", other_organisation.slug)
    outside = MembershipFactory(organisation=organisation, role=Role.COMMISSION_MEMBER)
    with pytest.raises(CommandError, match="may not use the API"):
        run("create", outside.user.username)
    with pytest.raises(CommandError, match="No user"):
        run("create", "nobody")
    assert not ApiKey.objects.exists()


def test_command_refuses_users_without_membership(db):
    user = MembershipFactory(is_active=False).user
    with pytest.raises(CommandError, match="not an active member of any organisation"):
        run("create", user.username)
