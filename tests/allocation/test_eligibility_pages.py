"""The eligibility simulator and the income-ceilings page."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.eligibility import benefits
from relais.allocation.eligibility.ceilings import load_income_ceilings
from relais.allocation.models import IncomeCeiling
from relais.core.roles import Role

from ..accounts import add_totp, login_with_totp
from ..factories import MembershipFactory, UserFactory
from .factories_eligibility import commune

SIMULATOR = reverse("allocation:eligibility_simulator")
CEILINGS = reverse("allocation:income_ceilings")
HOUSEHOLD = {
    "year": 2026,
    "financing": "PLUS",
    "commune": "37261",
    "persons": 2,
    "dependants": 1,
    "income_n2": 40_000,
}


@pytest.fixture(autouse=True)
def reference_data(db):
    load_income_ceilings()
    commune("37261")
    commune("92012")
    with translation.override("en"):
        yield


@pytest.fixture
def no_openfisca(monkeypatch):
    monkeypatch.setattr(benefits, "openfisca_available", lambda: False)


def page(client, url, data=None, **headers):
    response = client.get(url, data, headers={"Accept-Language": "en", **headers})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("client_fixture", ["owner_client", "readonly_client", "outsider_client"])
def test_every_staff_member_simulates_and_reads_the_explanation(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    html = page(client, SIMULATOR, {**HOUSEHOLD, "income_n1": 36_000})

    assert "Not eligible" not in html
    assert 'data-testid="eligibility-verdict"' in html
    assert "Eligible" in html
    # Single adult + 1 dependant = category 3; N-1 is 10 % lower, so it is retained.
    assert "37,584 € a year" in html.replace("\u00a0", " ")
    assert "N-1, at least 10 % lower" in html
    assert "A single adult with dependants: the household goes one category up." in html


def test_an_outside_role_is_refused(member_factory):
    _user, client = member_factory(Role.COMMISSION_MEMBER)

    assert client.get(SIMULATOR).status_code == 403
    assert client.get(CEILINGS).status_code == 403


def test_the_first_visit_shows_an_empty_form_with_this_year(owner_client):
    html = page(owner_client, SIMULATOR)

    assert "Fill in the household and check its eligibility." in html
    assert f'name="year" value="{timezone.localdate().year}"' in html


def test_htmx_gets_the_simulator_fragment_only(owner_client):
    html = page(owner_client, SIMULATOR, {**HOUSEHOLD, "income_n2": 38_000}, HX_Request="true")

    assert html.lstrip().startswith('<div id="simulator"')
    assert "<html" not in html
    assert "Not eligible" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dependants": 2}, "Dependants must be fewer than the persons of the household"),
        ({"commune": "99999"}, "No commune has the INSEE code 99999."),
        ({"financing": "PLAI"}, "No PLAI income-ceiling table for 2026 (Other regions)"),
        ({"income_n2": -5}, "Ensure this value is greater than or equal to 0."),
        ({"rent": "450"}, "Give the monthly resources to compute the effort rate."),
    ],
)
def test_errors_are_shown_on_the_form(owner_client, change, message):
    html = page(owner_client, SIMULATOR, {**HOUSEHOLD, **change})

    assert message in html
    assert 'data-testid="eligibility-verdict"' not in html


def test_effort_rate_without_openfisca_says_not_estimated(owner_client, no_openfisca):
    data = {**HOUSEHOLD, "rent": "450,00", "charges": "90", "monthly_resources": "1 800"}

    html = page(owner_client, SIMULATOR, data).replace("\u00a0", " ")

    assert "not estimated" in html
    assert "30.0 %" in html  # 540 / 1 800
    assert "before housing benefit" in html
    assert "1,260.00 €" in html  # remaining income


# Income ceilings page --------------------------------------------------------------------


def test_ceilings_page_lists_plai_plus_and_computed_pls(readonly_client):
    html = page(readonly_client, CEILINGS, {"year": 2022}).replace("\u00a0", " ")

    assert "PLAI 2022" in html and "PLUS 2022" in html and "PLS 2022" in html
    assert "No complete PLI table for 2022." in html
    assert "21,805 €" in html  # PLAI Paris category 2 (openfisca carries 218,805)
    assert "24,316 €" in html  # PLUS Paris category 1
    assert "31,611 €" in html  # PLS = 24 316 × 1.30 = 31 610.8
    assert "Enter a table" not in html  # only the platform's operators enter tables


def test_ceilings_page_defaults_to_this_year_and_says_what_is_missing(owner_client):
    html = page(owner_client, CEILINGS)

    assert "PLUS 2026" in html
    assert "No complete PLAI table for 2026." in html
    assert 'data-testid="ceilings-PLAI"' not in html
    assert 'data-testid="ceilings-PLS"' in html


def test_ceilings_page_htmx_and_unknown_year(owner_client):
    fragment = page(owner_client, CEILINGS, {"year": 2021}, HX_Request="true")
    assert fragment.lstrip().startswith('<div id="tables"')
    assert "PLAI 2021" in fragment

    assert "PLUS 2026" in page(owner_client, CEILINGS, {"year": 1999})


def test_ceilings_page_without_any_table(owner_client):
    IncomeCeiling.objects.all().delete()

    assert "No income ceiling has been loaded yet" in page(owner_client, CEILINGS)


def test_operators_get_the_entry_links(client, organisation):
    user = UserFactory(is_staff=True, is_superuser=True)
    MembershipFactory(organisation=organisation, user=user, role=Role.READ_ONLY)
    login_with_totp(client, user, add_totp(user))

    html = page(client, CEILINGS)

    assert reverse("allocation:income_ceiling_entry") + "?year=2026" in html
    # The missing PLAI and PLI tables of 2026 each link to their entry.
    assert "?year=2026&amp;financing=PLAI" in html
    assert "?year=2026&amp;financing=PLI" in html


def test_ceilings_page_query_count(owner_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page(owner_client, CEILINGS)


def test_the_breadcrumb_links_allocations_only_for_those_who_may_open_them(
    member_factory, owner_client
):
    """A caretaker simulates eligibility but may not open the applications: no link to them."""
    _user, caretaker = member_factory(Role.CARETAKER)
    applications = reverse("allocation:application_list")
    html = page(caretaker, SIMULATOR)
    assert 'class="breadcrumb mb-1"' in html
    assert f'href="{applications}"' not in html[html.index('class="breadcrumb mb-1"') :][:400]
    assert caretaker.get(applications).status_code == 403
    own = page(owner_client, SIMULATOR)
    assert f'<a href="{applications}">' in own[own.index('class="breadcrumb mb-1"') :][:400]
