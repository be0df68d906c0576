"""Vacancy pages: list filters and query count, create, edit, moves, candidates and proposal."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from relais.allocation.models import (
    AgendaItem,
    ApplicationStatus,
    CommuneAbcZone,
    Vacancy,
    VacancyStatus,
)
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..factories import CommuneFactory, DwellingFactory
from .factories import SessionFactory, VacancyFactory
from .factories_vacancies import applicant, ceilings, orleans, vacancy

NOTICE = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def officer_client(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)[1]


@pytest.fixture
def director_client(member_factory):
    """Sees allocations and manages commissions, but does not edit vacancies."""
    return member_factory(Role.DIRECTOR)[1]


def _vacancy(organisation, **fields):
    fields.setdefault("notice_received_on", NOTICE)
    return VacancyFactory(dwelling__building__residence__organisation=organisation, **fields)


# List ----------------------------------------------------------------------------------------


def test_list_filters_by_status_and_commune(organisation, officer_client):
    tours = _vacancy(organisation, status=VacancyStatus.READY)
    notice = _vacancy(organisation, status=VacancyStatus.NOTICE)
    elsewhere = _vacancy(organisation, dwelling__building__commune=orleans())
    url = reverse("allocation:vacancy_list")

    def listed(**query):
        return {v.pk for v in officer_client.get(url, query).context["page"].object_list}

    assert listed() == {tours.pk, notice.pk, elsewhere.pk}
    assert listed(status="notice") == {notice.pk}
    assert listed(commune="Orléans") == {elsewhere.pk}
    assert listed(commune="orleans") == {elsewhere.pk}
    assert listed(commune="37261") == {tours.pk, notice.pk}
    reference = elsewhere.dwelling.reference
    assert listed(q=reference.lower()) == {elsewhere.pk}


def test_list_shows_vacancy_days_with_bounded_queries(
    organisation, officer_client, django_assert_max_num_queries
):
    vacated = dt.date.today() - dt.timedelta(days=40)
    for _ in range(30):
        _vacancy(organisation, vacated_on=vacated)
    with django_assert_max_num_queries(8):
        response = officer_client.get(reverse("allocation:vacancy_list"))
    rows = response.context["page"].object_list
    assert len(rows) == 30 and {row.days for row in rows} == {40}
    assert '<td class="text-end">40</td>' in response.content.decode()


def test_htmx_list_returns_the_results_partial(organisation, officer_client):
    _vacancy(organisation)
    response = officer_client.get(
        reverse("allocation:vacancy_list"), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body


# Create, edit, move --------------------------------------------------------------------------


def test_create_from_a_dwelling_reference(organisation, officer_client):
    DwellingFactory(building__residence__organisation=organisation, reference="LOG-42")
    url = reverse("allocation:vacancy_create")
    response = officer_client.post(
        url, {"dwelling": "LOG-42", "notice_received_on": "2026-09-01", "charges": "85,50"}
    )
    vacancy = Vacancy.objects.get(dwelling__reference="LOG-42")
    assert response.status_code == 302
    assert response["Location"] == reverse("allocation:vacancy_detail", args=[vacancy.pk])
    assert (vacancy.status, vacancy.charges_cents) == (VacancyStatus.NOTICE, 8_550)
    again = officer_client.post(url, {"dwelling": "LOG-42", "notice_received_on": "2026-09-02"})
    assert "already has an open vacancy" in again.content.decode()
    unknown = officer_client.post(url, {"dwelling": "NOPE", "notice_received_on": "2026-09-02"})
    assert "No dwelling has the reference NOPE." in unknown.content.decode()


def test_cannot_open_a_vacancy_on_another_organisations_dwelling(
    organisation, other_organisation, officer_client
):
    DwellingFactory(building__residence__organisation=other_organisation, reference="THEIRS")
    response = officer_client.post(
        reverse("allocation:vacancy_create"),
        {"dwelling": "THEIRS", "notice_received_on": "2026-09-01"},
    )
    assert "No dwelling has the reference THEIRS." in response.content.decode()
    assert not Vacancy.objects.exists()


def test_edit_dates_and_contractor(organisation, officer_client):
    vacancy_ = _vacancy(organisation, status=VacancyStatus.REFURBISHMENT)
    url = reverse("allocation:vacancy_edit", args=[vacancy_.pk])
    data = {
        "notice_received_on": "2026-09-01",
        "contractor": "Peintures du Cher",
        "refurbishment_planned_start": "2026-10-01",
        "refurbishment_planned_end": "2026-09-20",
        "charges": "90",
    }
    response = officer_client.post(url, data)
    assert "The works cannot end before they start." in response.content.decode()
    officer_client.post(url, {**data, "refurbishment_planned_end": "2026-10-20"})
    vacancy_.refresh_from_db()
    assert vacancy_.contractor == "Peintures du Cher"
    assert vacancy_.refurbishment_planned_end == dt.date(2026, 10, 20)


def test_move_along_the_pipeline(organisation, officer_client):
    vacancy_ = _vacancy(organisation, status=VacancyStatus.NOTICE)
    url = reverse("allocation:vacancy_transition", args=[vacancy_.pk])
    detail = officer_client.get(reverse("allocation:vacancy_detail", args=[vacancy_.pk]))
    assert 'name="to" value="refurbishment"' in detail.content.decode()
    officer_client.post(url, {"to": "ready", "on": "2026-10-01"})
    vacancy_.refresh_from_db()
    assert (vacancy_.status, vacancy_.ready_on) == (VacancyStatus.READY, dt.date(2026, 10, 1))
    response = officer_client.post(url, {"to": "let", "on": "2026-10-02"}, follow=True)
    assert "cannot go from" in response.content.decode()
    vacancy_.refresh_from_db()
    assert vacancy_.status == VacancyStatus.READY


def test_moves_need_the_edit_ability_and_a_post(
    organisation, other_organisation, member_factory, director_client, officer_client
):
    outsider_client = member_factory(Role.ALLOCATION_OFFICER, other_organisation)[1]
    vacancy_ = _vacancy(organisation, status=VacancyStatus.NOTICE)
    url = reverse("allocation:vacancy_transition", args=[vacancy_.pk])
    data = {"to": "ready", "on": "2026-10-01"}
    detail = director_client.get(reverse("allocation:vacancy_detail", args=[vacancy_.pk]))
    assert 'name="to"' not in detail.content.decode()
    assert director_client.post(url, data).status_code == 403
    assert outsider_client.post(url, data).status_code == 404
    assert officer_client.get(url).status_code == 405
    vacancy_.refresh_from_db()
    assert vacancy_.status == VacancyStatus.NOTICE


def test_detail_shows_the_timeline(organisation, officer_client):
    vacancy_ = _vacancy(
        organisation,
        status=VacancyStatus.READY,
        vacated_on=dt.date(2026, 9, 15),
        refurbishment_planned_start=dt.date(2026, 9, 20),
        ready_on=dt.date(2026, 10, 10),
    )
    response = officer_client.get(reverse("allocation:vacancy_detail", args=[vacancy_.pk]))
    labels = [step.label for step in response.context["timeline"]]
    assert labels == [
        "Notice received",
        "Dwelling vacated",
        "Works planned to start",
        "Ready to let",
    ]


# Candidates and the proposal -----------------------------------------------------------------


@pytest.fixture
def ranked(organisation):
    ceilings(dt.date.today().year)
    vacancy_ = vacancy(organisation)
    applications = [applicant(organisation, score=score) for score in (90, 60, 30, 10)]
    return vacancy_, applications


def test_candidates_page_ranks_and_audits(organisation, officer_client, ranked):
    vacancy_, applications = ranked
    url = reverse("allocation:vacancy_candidates", args=[vacancy_.pk])
    response = officer_client.get(url)
    rows = [entry["row"].application.pk for entry in response.context["entries"]]
    assert rows == [a.pk for a in applications]
    body = response.content.decode()
    assert applications[0].registration_number in body
    assert "before housing benefit (estimated when put on a session)" in body
    event = AuditEvent.objects.get(action="vacancy.candidates_viewed")
    assert event.changes["applications"] == rows


def test_candidates_partial_for_the_detail_page(organisation, officer_client, ranked):
    vacancy_, _applications = ranked
    url = reverse("allocation:vacancy_candidates", args=[vacancy_.pk])
    body = officer_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="candidates"') and "<html" not in body


def test_candidates_page_queries_do_not_grow_with_applications(
    organisation, officer_client, ranked, django_assert_max_num_queries
):
    vacancy_, _applications = ranked
    url = reverse("allocation:vacancy_candidates", args=[vacancy_.pk])
    officer_client.get(url)
    with django_assert_max_num_queries(16) as few:
        officer_client.get(url)
    for score in range(40):
        applicant(organisation, score=score)
    with django_assert_max_num_queries(len(few.captured_queries)):
        officer_client.get(url)


def test_a_pli_dwelling_shows_why_there_is_no_search(organisation, officer_client):
    ceilings(dt.date.today().year)
    pli = vacancy(organisation, financing="PLI")
    CommuneAbcZone.objects.create(commune_id=pli.dwelling.building.commune_id, zone="b1")
    with translation.override("en"):
        response = officer_client.get(
            reverse("allocation:vacancy_candidates", args=[pli.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "No PLI income-ceiling table for" in response.content.decode()
    assert "administrators must enter it first" in response.content.decode()


def test_propose_three_ranked_candidates_to_a_draft_session(organisation, officer_client, ranked):
    vacancy_, applications = ranked
    session = SessionFactory(commission__organisation=organisation)
    a, b, c, _d = applications
    response = officer_client.post(
        reverse("allocation:vacancy_candidates", args=[vacancy_.pk]),
        {
            "candidates": [a.pk, b.pk, c.pk],
            f"rank_{a.pk}": "2",
            f"rank_{b.pk}": "3",
            f"rank_{c.pk}": "1",
            "session": session.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("allocation:session_detail", args=[session.pk])
    item = AgendaItem.objects.get(session=session, vacancy=vacancy_)
    proposed = item.candidates.order_by("proposed_rank").values_list("application_id", flat=True)
    assert list(proposed) == [c.pk, a.pk, b.pk]
    assert item.few_candidates_reason == ""
    vacancy_.refresh_from_db()
    assert vacancy_.status == VacancyStatus.ON_AGENDA
    a.refresh_from_db()
    assert a.status == ApplicationStatus.PROPOSED


def test_fewer_than_three_need_the_exception(organisation, officer_client, ranked):
    vacancy_, applications = ranked
    session = SessionFactory(commission__organisation=organisation)
    url = reverse("allocation:vacancy_candidates", args=[vacancy_.pk])
    data = {"candidates": [applications[1].pk], "session": session.pk}
    response = officer_client.post(url, data)
    assert response.status_code == 400
    assert "At least three candidates must be examined" in response.content.decode()
    assert response.context["entries"][1]["checked"]
    assert not AgendaItem.objects.exists()
    # DALO only with a designation: the criterion and the mediation commission's decision date.
    response = officer_client.post(url, {**data, "few_candidates_reason": "dalo"})
    assert "needs a proposed candidate with a DALO designation" in response.content.decode()
    assert not AgendaItem.objects.exists()
    applications[1].priority_criteria = ["dalo"]
    applications[1].dalo_decided_on = dt.date(2026, 1, 12)
    applications[1].save(update_fields=["priority_criteria", "dalo_decided_on"])
    officer_client.post(url, {**data, "few_candidates_reason": "dalo"})
    item = AgendaItem.objects.get()
    assert item.few_candidates_reason == "dalo"
    assert "décision du 12/01/2026" in item.few_candidates_justification
    assert [c.application_id for c in item.candidates.all()] == [applications[1].pk]


def test_without_a_draft_session_the_form_says_to_choose_one(organisation, officer_client, ranked):
    vacancy_, _applications = ranked
    response = officer_client.get(reverse("allocation:vacancy_candidates", args=[vacancy_.pk]))
    assert "Choose a session: no session is in preparation." in response.content.decode()


def test_only_those_who_edit_and_manage_commissions_propose(
    organisation, director_client, member_factory, ranked
):
    vacancy_, applications = ranked
    session = SessionFactory(commission__organisation=organisation)
    url = reverse("allocation:vacancy_candidates", args=[vacancy_.pk])
    data = {"candidates": [a.pk for a in applications[:3]], "session": session.pk}
    manager_client = member_factory(Role.MANAGER)[1]
    for client in (director_client, manager_client):
        page = client.get(url)
        assert page.status_code == 200 and page.context["form"] is None
        assert client.post(url, data).status_code == 403
    assert not AgendaItem.objects.exists()


def test_candidates_of_another_landlord_only_when_they_wish_the_commune(
    organisation, other_organisation, officer_client, ranked
):
    """The pool is shared (ADR 0046): another landlord's applicant wishing Tours is ranked,
    marked with its registering landlord; one wishing Orléans only is not."""
    vacancy_, _applications = ranked
    theirs = applicant(other_organisation, score=999, wishes=[CommuneFactory()])
    elsewhere = applicant(other_organisation, score=999, wishes=[orleans()])
    response = officer_client.get(reverse("allocation:vacancy_candidates", args=[vacancy_.pk]))
    body = response.content.decode()
    assert theirs.registration_number in body and "Registered by Scalis" in body
    assert elsewhere.registration_number not in body


def test_a_high_effort_rate_is_flagged_and_the_stacked_label_keeps_its_space(
    organisation, officer_client
):
    """Above a third of the resources (``benefits.HIGH_EFFORT_RATE``) the rate carries a
    warning; the header's words stay apart when the table stacks at 390 px."""
    ceilings(dt.date.today().year)
    vacancy_ = vacancy(organisation)
    cost = vacancy_.dwelling.rent_cents + vacancy_.charges_cents
    bearable = applicant(organisation, score=50, monthly_resources_cents=cost * 5)
    heavy = applicant(organisation, score=40, monthly_resources_cents=cost * 2)
    response = officer_client.get(reverse("allocation:vacancy_candidates", args=[vacancy_.pk]))
    entries = response.context["entries"]
    flags = {e["row"].application.pk: e["row"].effort.high for e in entries}
    assert flags == {bearable.pk: False, heavy.pk: True}
    body = response.content.decode()
    assert body.count('data-testid="high-effort"') == 1 and "above 33 %" in body
    assert 'Effort rate <span class="d-block small fw-normal">' in body
