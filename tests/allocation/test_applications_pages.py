"""Application and scoring pages: search, the audited file, the form, status, grids."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.applications.services import application_create
from relais.allocation.models import TYPOLOGY_BITS, Application
from relais.allocation.scoring import services as scoring
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..factories import CommuneFactory, EpciFactory
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("allocation:application_list")


@pytest.fixture(autouse=True)
def english(settings):
    """Pages are checked in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def tours():
    return CommuneFactory()


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)


def create(organisation, communes=(), **fields):
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation, actor=None, application=application, wished_communes=communes
    )


@pytest.fixture
def applications(organisation, tours):
    """55 plain applications in Tours, a DALO family in Amboise and a cancelled one."""
    amboise = CommuneFactory(code="37003", name="Amboise", epci=EpciFactory(code="200072999"))
    today = timezone.localdate()
    rows = ApplicationFactory.create_batch(55, organisation=organisation)
    dalo = create(
        organisation,
        [amboise],
        registration_number="041DALO2026",
        applicant_last_name="Zanetti",
        priority_criteria=["dalo"],
        persons=4,
        dependants=2,
        is_couple=True,
        co_applicant_birth_date=dt.date(1986, 2, 1),
        first_applied_on=today.replace(year=today.year - 5),
    )
    cancelled = create(organisation, [tours], applicant_last_name="Annulé", status="cancelled")
    through = Application.wished_communes.through
    through.objects.bulk_create([through(application=row, commune=tours) for row in rows])
    scoring.score_applications(Application.objects.all())
    return [*rows, dalo, cancelled]


def test_list_is_paginated_ranked_and_query_bounded(
    applications, owner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = owner_client.get(LIST)
    page = response.context["page"]
    assert page.paginator.count == 57 and len(page.object_list) == 50
    assert page.object_list[0].applicant_last_name == "Zanetti"  # best score first
    assert page.object_list[0].waiting_months == 60


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "zanet"}, {"Zanetti"}),
        ({"q": "041DALO"}, {"Zanetti"}),
        ({"status": "cancelled"}, {"Annulé"}),
        ({"category": "4"}, {"Zanetti"}),
        ({"commune": "37003"}, {"Zanetti"}),
        ({"commune": "amboise"}, {"Zanetti"}),
        ({"priority": "dalo"}, {"Zanetti"}),
        ({"waited": "59"}, {"Zanetti"}),
    ],
)
def test_search_and_filters(applications, owner_client, query, expected):
    page = owner_client.get(LIST, query).context["page"]
    assert {row.applicant_last_name for row in page.object_list} == expected


def test_htmx_search_renders_the_results_only(applications, owner_client):
    response = owner_client.get(LIST, {"q": "Zanetti"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "Zanetti" in body


def test_opening_a_file_is_audited_and_shows_the_score(applications, member_factory):
    application = applications[-2]
    user, client = member_factory(Role.DIRECTOR)
    response = client.get(reverse("allocation:application_detail", args=[application.pk]))
    body = response.content.decode()
    event = AuditEvent.objects.get(action="application.viewed")
    assert (event.actor, event.object_id, event.changes) == (
        user,
        str(application.pk),
        {"via": "web"},
    )
    assert "DALO designation" in body and "60 months of waiting" in body
    assert f"{application.score} points" in body


def test_caretaker_cannot_open_a_file_and_nothing_is_audited(applications, member_factory):
    _user, client = member_factory(Role.CARETAKER)
    url = reverse("allocation:application_detail", args=[applications[0].pk])
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="application.viewed").exists()


def form_data(**overrides):
    data = {
        "registration_number": "037 2026 000042",
        "first_applied_on": "2025-01-10",
        "applicant_first_name": "Inès",
        "applicant_last_name": "Haddad",
        "applicant_birth_date": "1990-04-02",
        "persons": "3",
        "dependants": "2",
        "income_n2": "19000",
        "income_n1": "16500",
        "monthly_resources": "1 450,00",
        "current_housing_cost": "620",
        "housing_situation": "private_tenant",
        "priority_criteria": ["eviction"],
        "wished_communes": "37122, 37261",
        "typologies": ["T3", "T4"],
        "max_rent": "550",
        "documents_received": ["identity", "tax_notice_n2"],
    }
    return {**data, **overrides}


def test_officer_creates_an_application(officer, organisation, tours):
    CommuneFactory(code="37122", name="Joué-lès-Tours")
    user, client = officer
    response = client.post(reverse("allocation:application_create"), form_data())
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("allocation:application_detail", args=[application.pk])
    assert application.organisation == organisation
    assert (application.household_category, application.reference_income) == (4, 16_500)
    assert application.typology_mask == TYPOLOGY_BITS["T3"] | TYPOLOGY_BITS["T4"]
    assert (application.monthly_resources_cents, application.max_rent_cents) == (145_000, 55_000)
    assert application.documents_received == ["identity", "tax_notice_n2"]
    through = Application.wished_communes.through.objects.filter(application=application)
    assert list(through.order_by("pk").values_list("commune_id", flat=True)) == [
        "37122",
        "37261",
    ]
    codes = [code for code, _points in application.score_explanation]
    assert {"priority:eviction", "single_parent", "effort_rate:30"} <= set(codes)
    assert AuditEvent.objects.filter(action="application.created", actor=user).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"wished_communes": "37261, 99999"}, "wished_communes", "Unknown code: 99999."),
        ({"wished_communes": "Tours"}, "wished_communes", "Not a valid code: TOURS."),
        ({"wished_communes": ""}, "wished_communes", "at least one wished commune or EPCI"),
        ({"is_couple": "on"}, "is_couple", "A couple counts two adults"),
        ({"dependants": "3"}, "dependants", "at least one adult"),
        ({"first_applied_on": "2099-01-01"}, "first_applied_on", "in the future"),
        ({"registration_number": "?"}, "registration_number", "letters, digits"),
    ],
)
def test_form_errors(officer, tours, overrides, field, message):
    _user, client = officer
    response = client.post(reverse("allocation:application_create"), form_data(**overrides))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Application.objects.exists()


def test_couple_needs_the_co_applicant_birth_date(officer, tours):
    _user, client = officer
    data = form_data(is_couple="on", dependants="1", wished_communes="37261")
    response = client.post(reverse("allocation:application_create"), data)
    assert response.context["form"].errors["co_applicant_birth_date"] == ["Required for a couple."]


def test_edit_page_shows_the_stored_values_and_is_audited(officer, organisation, tours):
    application = create(organisation, [tours], max_rent_cents=48_000, priority_criteria=["dalo"])
    user, client = officer
    response = client.get(reverse("allocation:application_edit", args=[application.pk]))
    form = response.context["form"]
    assert form["wished_communes"].value() == "37261"
    assert form["max_rent"].value() == 480
    assert form["priority_criteria"].value() == ["dalo"]
    event = AuditEvent.objects.get(action="application.viewed")
    assert event.changes == {"via": "edit"}
    data = form_data(registration_number=application.registration_number, wished_communes="37261")
    data.pop("max_rent")
    client.post(reverse("allocation:application_edit", args=[application.pk]), data)
    application.refresh_from_db()
    assert application.max_rent_cents is None and application.applicant_last_name == "Haddad"


def test_registration_number_taken_in_the_organisation(officer, organisation, tours):
    create(organisation, registration_number="037 2026 000042")
    _user, client = officer
    response = client.post(reverse("allocation:application_create"), form_data())
    assert "registration number" in response.context["form"].errors["registration_number"][0]


def test_no_form_sets_a_status_by_hand(officer, organisation, tours):
    """ "Attribution prononcée" was a select on the application page: statuses change only
    through their events now (commission, accepted offer, lease, renewal or its absence)."""
    application = create(organisation, [tours])
    _user, client = officer
    page = client.get(reverse("allocation:application_detail", args=[application.pk]))
    assert b'name="status"' not in page.content
    assert b"/statut/" not in page.content
    data = form_data(registration_number=application.registration_number, status="allocated")
    client.post(reverse("allocation:application_edit", args=[application.pk]), data)
    application.refresh_from_db()
    assert application.status == "active"


def test_grid_pages(member_factory, other_organisation, organisation, tours):
    grid = scoring.ensure_default_grid()
    create(organisation, [tours])
    url = reverse("allocation:scoring_grid_detail", args=[grid.pk])
    _user, director = member_factory(Role.DIRECTOR)
    body = director.get(url).content.decode()
    assert "DALO designation" in body and "Active: 1" in body
    assert "in force" in director.get(reverse("allocation:scoring_grid_list")).content.decode()
    assert member_factory(Role.CARETAKER)[1].get(url).status_code == 403
    # Grids are shared reference data; usage counts only the reader's organisation.
    outsider = member_factory(Role.DIRECTOR, other_organisation)[1].get(url)
    assert outsider.status_code == 200 and "Active: 1" not in outsider.content.decode()
    assert Client().get(url).status_code == 302


def test_the_file_shows_the_phone_nationally_and_long_criteria_wrap(applications, member_factory):
    """The applicant's phone as on household pages, and priority badges that wrap at 390 px."""
    application = applications[-2]
    Application.objects.filter(pk=application.pk).update(
        phone="+33648230799", priority_criteria=["dalo", "disability"], has_disabled_member=True
    )
    _user, client = member_factory(Role.DIRECTOR)
    body = client.get(reverse("allocation:application_detail", args=[application.pk]))
    html = body.content.decode()
    assert ">06 48 23 07 99</a>" in html and 'href="tel:+33648230799"' in html
    assert html.count('class="badge text-bg-warning me-1 text-wrap text-start"') == 2
