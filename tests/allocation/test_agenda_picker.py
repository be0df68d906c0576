"""Putting a vacancy on an agenda without typing registration numbers (issue 7 §9): the
session's "add a vacancy" leads to the vacancy's ranked candidates with the session chosen,
and "plan a session" on a vacancy creates one and comes back to its candidates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.models import AgendaItem, Session, SessionStatus, VacancyStatus
from relais.core.roles import Role

from .factories import CommissionFactory, SessionFactory
from .factories_vacancies import applicant, ceilings, vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ranked(organisation):
    ceilings(timezone.localdate().year)
    vacancy_ = vacancy(organisation)
    applications = [applicant(organisation, score=score) for score in (90, 60, 30)]
    return vacancy_, applications


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)[1]


def test_add_a_vacancy_picks_from_its_ranked_candidates(organisation, officer, ranked):
    vacancy_, (a, b, c) = ranked
    session = SessionFactory(commission__organisation=organisation)
    picker = officer.get(reverse("allocation:session_item_add", args=[session.pk]))
    link = f"{reverse('allocation:vacancy_candidates', args=[vacancy_.pk])}?session={session.pk}"
    assert link in picker.content.decode()
    assert "registration_numbers" not in picker.content.decode()
    page = officer.get(link)
    assert f'<option value="{session.pk}" selected>' in page.content.decode()
    assert [entry["row"].application.pk for entry in page.context["entries"]] == [a.pk, b.pk, c.pk]
    response = officer.post(
        link,
        {
            "candidates": [a.pk, b.pk, c.pk],
            **{f"rank_{x.pk}": str(rank) for rank, x in enumerate((a, b, c), start=1)},
            "session": session.pk,
        },
    )
    assert response["Location"] == reverse("allocation:session_detail", args=[session.pk])
    item = AgendaItem.objects.get(session=session, vacancy=vacancy_)
    assert list(
        item.candidates.order_by("proposed_rank").values_list("application", flat=True)
    ) == [
        a.pk,
        b.pk,
        c.pk,
    ]


def test_plan_a_session_from_a_vacancy_comes_back_to_its_candidates(
    organisation, officer, ranked, member_factory
):
    """ "Programmer une séance" led to the session list, where nothing creates a session."""
    vacancy_, _applications = ranked
    commission = CommissionFactory(organisation=organisation, name="CALEOL Touraine")
    candidates = reverse("allocation:vacancy_candidates", args=[vacancy_.pk])
    page = officer.get(candidates).content.decode()
    create = f"{reverse('allocation:session_create', args=[commission.pk])}?vacancy={vacancy_.pk}"
    assert create in page and "Plan a session of CALEOL Touraine" in page
    opens_at = timezone.localtime() + dt.timedelta(days=2)
    response = officer.post(
        create, {"kind": "remote", "opens_at": opens_at.strftime("%Y-%m-%dT%H:%M")}
    )
    session = Session.objects.get(commission=commission)
    assert session.status == SessionStatus.DRAFT
    assert response["Location"] == f"{candidates}?session={session.pk}"
    back = officer.get(response["Location"]).content.decode()
    assert f'<option value="{session.pk}" selected>' in back
    vacancy_.refresh_from_db()
    assert vacancy_.status == VacancyStatus.READY
