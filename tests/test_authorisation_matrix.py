"""Walk every page of the site and every API path with the owner, a member without the right
role and an outsider.

Every URL pattern of every namespace but the admin's and the API's must be listed in ``PAGES`` and
every API path's resource in ``API_RESOURCES`` (a new one without an entry fails the suite).
Objects of both organisations carry a marker in their names; no response may show the
other's marker.
"""

import importlib
import pkgutil

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from relais.core import audit
from relais.core.roles import ABILITY_ROLES, OUTSIDE_ROLES, STAFF_ROLES, Role
from relais.core.services import crisis_notice_save
from relais.housing.models import ImportJob

from .factories import (
    AgencyFactory,
    BuildingFactory,
    DwellingFactory,
    LeaseFactory,
    MembershipFactory,
    OccupantFactory,
    OrganisationFactory,
    ResidenceFactory,
)
from .shared_rows import shared_rows

MARK = {"a": "MARKER-AAA", "b": "MARKER-BBB"}

# url name → (ability needed or None, object kwarg → key in the world dict, or None)
PAGES = {
    "core:home": (None, None),
    "core:crisis": (None, None),
    "core:crisis_notice": ("crisis.notice_edit", None),
    "core:crisis_notice_pdf": ("housing.view", None),
    "core:profile": (None, None),
    "core:agency_list": ("housing.view", None),
    "core:agency_edit": ("agency.edit", {"pk": "agency"}),
    "core:audit_log": ("audit.view", None),
    "core:audit_export": ("audit.export", None),
    "core:organisation_settings": ("organisation.manage", None),
    "housing:residence_list": ("housing.view", None),
    "housing:residence_detail": ("housing.view", {"pk": "residence"}),
    "housing:residence_create": ("housing.edit", None),
    "housing:residence_edit": ("housing.edit", {"pk": "residence"}),
    "housing:building_create": ("housing.edit", {"residence_pk": "residence"}),
    "housing:building_list": ("housing.view", None),
    "housing:building_detail": ("housing.view", {"pk": "building"}),
    "housing:building_edit": ("housing.edit", {"pk": "building"}),
    "housing:dwelling_create": ("housing.edit", {"building_pk": "building"}),
    "housing:dwelling_list": ("housing.view", None),
    "housing:dwelling_detail": ("housing.view", {"pk": "dwelling"}),
    "housing:dwelling_edit": ("housing.edit", {"pk": "dwelling"}),
    "housing:lease_start": ("housing.edit", {"dwelling_pk": "vacant_dwelling"}),
    "housing:lease_end": ("housing.edit", {"pk": "lease"}),
    "housing:household_list": ("household.view", None),
    "housing:household_create": ("housing.edit", None),
    "housing:household_detail": ("household.view", {"pk": "household"}),
    "housing:household_edit": ("housing.edit", {"pk": "household"}),
    "housing:occupant_create": ("housing.edit", {"household_pk": "household"}),
    "housing:occupant_edit": ("housing.edit", {"pk": "occupant"}),
    "housing:commune_options": ("housing.view", None),
    "housing:import": ("housing.import", None),
    "housing:import_job": ("housing.import", {"pk": "import_job"}),
    "housing:import_template": ("housing.import", {"kind": "stock", "file_type": "csv"}),
    "housing:export": ("housing.export", {"kind": "stock", "file_type": "csv"}),
}
# Not pages: POST-only actions (tested in their own modules) and public pages (the agencies,
# the legal pages and the favicon: tests/core/test_site.py).
NOT_PAGES = {
    "core:organisation_switch",
    "core:api_key_revoke",
    "core:agency_closure",  # POST only: tests/core/test_crisis_effects.py
    "core:public_agencies",
    "site:legal_notice",
    "site:personal_data",
    "site:accessibility",
    "site:favicon",
}
# Every namespace of Relais's own pages; the admin has its own access rules (staff with TOTP,
# tests/core/test_admin_access.py) and the API its own matrix (API_RESOURCES below).
OTHER_NAMESPACES = {"admin", "api"}


def _app_page_modules():
    """Other apps register their pages in ``tests/<app>/pages_*.py``: a ``PAGES`` dict like
    the one above, ``NOT_PAGES`` (pages whose access is tested in their own module, e.g.
    those open to commission members by seat rather than by role) and ``world(organisation,
    mark, base)`` returning the extra objects their URLs need."""
    import tests

    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if info.name.rsplit(".", 1)[-1].startswith("pages_"):
            yield importlib.import_module(info.name)


for _module in _app_page_modules():
    PAGES.update(_module.PAGES)
    NOT_PAGES |= set(getattr(_module, "NOT_PAGES", ()))


def _names(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_page_is_in_the_matrix():
    site = {
        n for n in _names(get_resolver()) if ":" in n and n.split(":")[0] not in OTHER_NAMESPACES
    }
    assert site == set(PAGES) | NOT_PAGES


def _world(organisation, mark):
    residence = ResidenceFactory(organisation=organisation, name=f"Résidence {mark}")
    building = BuildingFactory(residence=residence, address=f"1 rue {mark}")
    lease = LeaseFactory(
        dwelling__building=building,
        household__name=f"Famille {mark}",
        reference=f"B-{mark}",
    )
    occupant = OccupantFactory(household=lease.household, last_name=mark, vulnerable=True)
    audit.record(action="api_key.created", organisation=organisation, object_repr=f"Clé {mark}")
    crisis_notice_save(
        organisation=organisation,
        actor=None,
        text=f"Avis {mark}",
        phone_lines="",
        emergency_phone="06 12 34 56 78",
        links="",
    )
    world = {
        "agency": AgencyFactory(organisation=organisation, name=f"Agence {mark}"),
        "residence": residence,
        "building": building,
        "dwelling": lease.dwelling,
        "vacant_dwelling": DwellingFactory(building=building, reference=f"V-{mark}"),
        "lease": lease,
        "household": lease.household,
        "occupant": occupant,
        "import_job": ImportJob.objects.create(
            organisation=organisation, kind="stock", filename=f"{mark}.csv"
        ),
    }
    for module in _app_page_modules():
        world.update(module.world(organisation, mark, world))
    return world


def _worlds():
    org_a = OrganisationFactory(name="Organisation A")
    org_b = OrganisationFactory(name="Organisation B")
    return {"a": (org_a, _world(org_a, MARK["a"])), "b": (org_b, _world(org_b, MARK["b"]))}


@pytest.fixture(scope="module")
def _module_worlds(django_db_setup, django_db_blocker):
    """Built once per module and worker (tests/shared_rows.py): each test writes in a savepoint."""
    with shared_rows(django_db_blocker, _worlds) as worlds:
        yield worlds


@pytest.fixture
def worlds(_module_worlds, db):
    return _module_worlds


def _url(name, spec, world):
    kwargs = {}
    for key, value in (spec or {}).items():
        kwargs[key] = world[value].pk if value in world else value
    return reverse(name, kwargs=kwargs)


def _client(organisation, role):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def _owner_role(ability):
    if ability is None or Role.DIRECTOR in ABILITY_ROLES[ability]:
        return Role.DIRECTOR
    return sorted(ABILITY_ROLES[ability])[0]


def _roles_without(ability):
    """A staff role lacking the ability (the sharpest case), and an outside role."""
    lacking = sorted(STAFF_ROLES - ABILITY_ROLES[ability])
    return [*lacking[:1], sorted(OUTSIDE_ROLES)[0]]


def _assert_no_foreign_marker(response, foreign):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8-sig", errors="replace")  # PDFs and XLSX files too
    assert MARK[foreign] not in body, f"{response.request['PATH_INFO']} shows a foreign object"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_owner_sees_the_page_and_only_their_objects(worlds, name):
    ability, spec = PAGES[name]
    organisation, world = worlds["a"]
    response = _client(organisation, _owner_role(ability)).get(_url(name, spec, world))
    assert response.status_code == 200
    _assert_no_foreign_marker(response, "b")


@pytest.mark.parametrize("name", sorted(n for n, (ability, _s) in PAGES.items() if ability))
def test_member_without_the_role_is_refused(worlds, name):
    ability, spec = PAGES[name]
    organisation, world = worlds["a"]
    for role in _roles_without(ability):
        response = _client(organisation, role).get(_url(name, spec, world))
        assert response.status_code == 403, role
        _assert_no_foreign_marker(response, "a")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_outsider_never_sees_our_objects(worlds, name):
    ability, spec = PAGES[name]
    _organisation, world = worlds["a"]
    outsider_org, _their_world = worlds["b"]
    response = _client(outsider_org, _owner_role(ability)).get(_url(name, spec, world))
    object_page = any(value in world for value in (spec or {}).values())
    assert response.status_code == (404 if object_page else 200)
    _assert_no_foreign_marker(response, "a")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_login(worlds, name):
    _ability, spec = PAGES[name]
    response = Client().get(_url(name, spec, worlds["a"][1]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sensitive_occupant_data_only_for_roles_that_need_it(worlds):
    organisation, world = worlds["a"]
    url = reverse("housing:household_detail", args=[world["household"].pk])
    for role in STAFF_ROLES:
        response = _client(organisation, role).get(url)
        if role in ABILITY_ROLES["household.view"]:
            sensitive_shown = 'data-testid="sensitive"' in response.content.decode()
            assert sensitive_shown == (role in ABILITY_ROLES["household.view_sensitive"]), role


# The shared demand pool (issue 17, ADR 0046) -----------------------------------------------

# Pages that open an application by pk: read by a landlord of the pool, written only by the
# registering one.
POOL_READ = ("allocation:application_detail", "allocation:application_standing")
POOL_WRITE = ("allocation:application_edit",)


@pytest.fixture
def pool_reader(worlds):
    """Organisation C: a landlord with a dwelling in the commune A's application wishes."""
    from tests.allocation.pages_applications import own_dwelling

    org_c = OrganisationFactory(name="Organisation C")
    residence = ResidenceFactory(organisation=org_c, name="Résidence C")
    return org_c, own_dwelling(org_c, MARK["a"], {"residence": residence})


def test_pool_landlord_reads_another_landlords_application_and_never_writes(worlds, pool_reader):
    _organisation, world = worlds["a"]
    org_c, _dwelling = pool_reader
    kwargs = {"pk": world["application"].pk}
    for role in sorted(ABILITY_ROLES["allocation.view"] & STAFF_ROLES):
        client = _client(org_c, role)
        for name in POOL_READ:
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 200, (name, role)
            assert MARK["a"] in response.content.decode(), (name, role)
        for name in POOL_WRITE:
            expected = 404 if role in ABILITY_ROLES["allocation.edit"] else 403
            assert client.get(reverse(name, kwargs=kwargs)).status_code == expected, role
        renew = reverse("allocation:application_renew", kwargs=kwargs)
        assert client.post(renew).status_code in (403, 404), role


def test_pool_members_without_the_role_and_outside_roles_see_nothing(worlds, pool_reader):
    _organisation, world = worlds["a"]
    org_c, _dwelling = pool_reader
    kwargs = {"pk": world["application"].pk}
    for role in _roles_without("allocation.view"):
        client = _client(org_c, role)
        for name in POOL_READ:
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code in (403, 404), (name, role)
            _assert_no_foreign_marker(response, "a")


def test_landlord_without_stock_in_the_wished_communes_sees_nothing(worlds, pool_reader):
    """B has stock in Tours, not in the commune A's application wishes: 404 everywhere."""
    _organisation, world = worlds["a"]
    org_b, _world_b = worlds["b"]
    for name in (*POOL_READ, *POOL_WRITE):
        response = _client(org_b, Role.DIRECTOR if name in POOL_READ else Role.ALLOCATION_OFFICER)
        response = response.get(reverse(name, kwargs={"pk": world["application"].pk}))
        assert response.status_code == 404, name
        _assert_no_foreign_marker(response, "a")


# The API ---------------------------------------------------------------------------------

# First path segment → (ability, key of the world dict for ``{id}``).
API_RESOURCES = {
    "residences": ("housing.view", "residence"),
    "buildings": ("housing.view", "building"),
    "dwellings": ("housing.view", "dwelling"),
    "households": ("household.view", "household"),
    "allocation": ("allocation.view", "application"),  # applications/{id}/standing
    "intervention-requests": ("intervention.view", "intervention_request"),
    "work-orders": ("intervention.view", "work_order"),
    "rent": ("rent.view", "lease"),  # rent/balances, rent/ledgers/{id}
    "federation": ("federation.export", None),  # federation/members?week=, federation/regional
}


# Required query parameters of a resource's list paths.
QUERIES = {"federation": "?week=2026-W48"}


def _api_get_paths():
    from relais.api.urls import api

    schema = api.get_openapi_schema()
    prefix = "/api/v1/"
    return sorted(
        path.removeprefix(prefix)
        for path, operations in schema["paths"].items()
        if "get" in operations
    )


def test_every_api_path_is_in_the_matrix():
    assert {path.split("/")[0] for path in _api_get_paths()} == set(API_RESOURCES)


def _api_url(path, world):
    resource = path.split("/")[0]
    if "{id}" not in path:
        return "/api/v1/" + path + QUERIES.get(resource, "")
    return "/api/v1/" + path.replace("{id}", str(world[API_RESOURCES[resource][1]].pk))


def _api_client(organisation, role):
    from .api.factories import api_key_for

    return Client(headers={"Authorization": f"Bearer {api_key_for(organisation, role)}"})


@pytest.mark.parametrize("path", _api_get_paths())
def test_api_owner_member_without_role_and_outsider(worlds, path):
    ability = API_RESOURCES[path.split("/")[0]][0]
    organisation, world = worlds["a"]
    url = _api_url(path, world)
    owner = _api_client(organisation, _owner_role(ability)).get(url)
    assert owner.status_code == 200
    _assert_no_foreign_marker(owner, "b")
    for role in _roles_without(ability):
        response = _api_client(organisation, role).get(url)
        assert response.status_code == 403, role
        _assert_no_foreign_marker(response, "a")
    outsider = _api_client(worlds["b"][0], _owner_role(ability)).get(url)
    assert outsider.status_code == (404 if "{id}" in path else 200)
    _assert_no_foreign_marker(outsider, "a")
    assert Client().get(url).status_code == 401
