"""The lease signed on an accepted offer (issue 7 §3) and an allocated vacancy's page (§9):
the household and lease made through the housing services, the application struck off
"housed", no ranked candidates once allocated, the timeline in chronological order."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.letters import services as letters
from relais.allocation.models import (
    Application,
    ApplicationStatus,
    Letter,
    LetterKind,
    OfferAnswer,
    RankedWish,
    VacancyStatus,
)
from relais.allocation.vacancies.selectors import timeline
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.housing.models import Household, Lease

from ..factories import DwellingFactory, LeaseFactory
from .factories import AgendaItemFactory, SessionFactory
from .factories_letters import closed_session, send_all
from .test_ranking import in_step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def accepted(organisation):
    """Joëlle Lefèvre (2 persons: herself and a dependant) accepted the offer of a dwelling
    at 1 234,56 € + 90,50 € a month."""
    world = closed_session(organisation)
    for candidate in (world.first, world.second, world.conditional):
        Application.objects.filter(pk=candidate.application_id).update(status="proposed")
    letters.letters_after_close(world.session)
    send_all(world.session)  # drafts at the close, reviewed and sent by the officer
    offer = Letter.objects.get(candidate=world.first, kind=LetterKind.OFFER)
    letters.offer_answer(letter=offer, actor=None, answer=OfferAnswer.ACCEPTED)
    return world


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)


def lease_data(**overrides):
    data = {
        "reference": "BAIL-2026-0042",
        "start_date": "2026-12-15",
        "rent": "1 234,56",
        "charges": "90,50",
        "household_reference": "MEN-LEFEVRE",
        "occupant-TOTAL_FORMS": "1",
        "occupant-INITIAL_FORMS": "1",
        "occupant-MIN_NUM_FORMS": "1",
        "occupant-MAX_NUM_FORMS": "1",
        "occupant-0-first_name": "Léo",
        "occupant-0-last_name": "Lefèvre",
        "occupant-0-birth_date": "2015-05-04",
    }
    return {**data, **overrides}


def test_lease_signed_creates_the_household_and_strikes_the_application_off(accepted, officer):
    user, client = officer
    vacancy = accepted.item.vacancy
    url = reverse("allocation:vacancy_lease_sign", args=[vacancy.pk])
    file = reverse("allocation:application_detail", args=[accepted.first.application_id])
    assert url in client.get(file).content.decode()  # "Sign the lease" on the application too
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["occupants"].forms[0].initial["last_name"] == "Lefèvre"
    response = client.post(url, lease_data())
    assert response.status_code == 302, response.context["form"].errors
    lease = Lease.objects.get(reference="BAIL-2026-0042")
    assert (lease.dwelling_id, lease.start_date) == (vacancy.dwelling_id, dt.date(2026, 12, 15))
    assert (lease.rent_cents, lease.charges_cents) == (123_456, 9_050)
    household = lease.household
    assert (household.reference, household.name) == ("MEN-LEFEVRE", "Lefèvre family")
    people = [(o.first_name, o.is_holder, o.birth_date) for o in household.occupants.all()]
    assert people == [("Joëlle", True, dt.date(1985, 6, 1)), ("Léo", False, dt.date(2015, 5, 4))]
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.lease_signed_on) == (VacancyStatus.LET, timezone.localdate())
    application = Application.objects.get(pk=accepted.first.application_id)
    assert (application.status, application.struck_off_reason, application.lease) == (
        ApplicationStatus.STRUCK_OFF,
        "housed",
        lease,
    )
    assert application.struck_off_on == timezone.localdate()
    assert not RankedWish.objects.filter(application=application).exists()
    in_step()  # the candidate ranking follows (ADR 0051)
    kinds = list(application.events.values_list("kind", "actor"))
    assert kinds[-2:] == [("allocated", None), ("housed", user.pk)]
    assert AuditEvent.objects.filter(action="application.housed").count() == 1
    assert AuditEvent.objects.filter(action="lease.created").count() == 1
    again = client.post(url, lease_data(reference="BAIL-2026-0043"), follow=True)
    assert "No accepted offer waits for its lease on this vacancy." in again.content.decode()
    assert Lease.objects.filter(dwelling=vacancy.dwelling).count() == 1


def test_an_existing_tenant_moves_its_lease_is_a_transfer(accepted, officer, organisation):
    _user, client = officer
    current = LeaseFactory(
        dwelling=DwellingFactory(building__residence__organisation=organisation),
        household__reference="MEN-00042",
    )
    url = reverse("allocation:vacancy_lease_sign", args=[accepted.item.vacancy.pk])
    data = lease_data(household_reference="", existing_household="MEN-00042")
    response = client.post(url, data)
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.end_date == dt.date(2026, 12, 14)  # the day before the new lease
    assert Lease.objects.get(reference="BAIL-2026-0042").household == current.household
    assert Household.objects.count() == 1


def test_bad_lease_input_is_a_french_message_and_changes_nothing(accepted, officer):
    _user, client = officer
    url = reverse("allocation:vacancy_lease_sign", args=[accepted.item.vacancy.pk])
    LeaseFactory(
        dwelling__building__residence__organisation=accepted.session.organisation,
        reference="BAIL-2026-0042",
    )
    response = client.post(
        url, lease_data(household_reference="", **{"occupant-0-birth_date": "2099-01-01"})
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "reference": ["Another lease has this reference."],
        "household_reference": ["Give the new household's reference, or an existing one."],
    }
    response = client.post(url, lease_data(reference="BAIL-NEW", **{"occupant-0-birth_date": ""}))
    assert response.status_code == 400
    assert response.context["occupants"].forms[0].errors == {
        "birth_date": ["This field is required."]
    }
    assert not Household.objects.filter(reference="MEN-LEFEVRE").exists()
    assert Application.objects.get(pk=accepted.first.application_id).status == "allocated"


def test_lease_page_access(accepted, member_factory, other_organisation):
    url = reverse("allocation:vacancy_lease_sign", args=[accepted.item.vacancy.pk])
    assert member_factory(Role.DIRECTOR)[1].get(url).status_code == 403
    outsider = member_factory(Role.ALLOCATION_OFFICER, other_organisation)[1]
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, lease_data()).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert not Lease.objects.exists()


def test_no_lease_without_an_accepted_offer(organisation, officer):
    world = closed_session(organisation)
    letters.letters_after_close(world.session)  # the offer waits for its answer
    _user, client = officer
    url = reverse("allocation:vacancy_lease_sign", args=[world.item.vacancy.pk])
    response = client.post(url, lease_data(), follow=True)
    assert "No accepted offer waits for its lease on this vacancy." in response.content.decode()
    assert not Lease.objects.exists()


def test_no_manual_move_to_lease_signed(accepted, officer):
    _user, client = officer
    vacancy = accepted.item.vacancy
    client.post(
        reverse("allocation:vacancy_transition", args=[vacancy.pk]),
        {"to": "let", "on": timezone.localdate()},
    )
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.ALLOCATED


def test_an_allocated_vacancy_lists_no_ranked_candidates(accepted, officer):
    """It listed 50 ranked candidates: now the applicant who accepted, and the lease."""
    _user, client = officer
    vacancy = accepted.item.vacancy
    page = client.get(reverse("allocation:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert 'data-testid="allocation"' in page and "Offer accepted by Joëlle Lefèvre" in page
    assert reverse("allocation:vacancy_lease_sign", args=[vacancy.pk]) in page
    assert "hx-get" not in page.split('aria-labelledby="candidates-title"')[1]
    search = client.get(reverse("allocation:vacancy_candidates", args=[vacancy.pk]))
    assert search.context.get("entries") is None and 'data-testid="allocation"' in (
        search.content.decode()
    )
    assert not AuditEvent.objects.filter(action="vacancy.candidates_viewed").exists()


def test_timeline_puts_the_agenda_before_the_attribution_of_the_same_day(organisation):
    """A session opened at 09:00 and closed at 17:00 on 12 March 2026, the attribution
    recorded that day: the agenda comes first, then the attribution, then the lease."""
    opens = dt.datetime(2026, 3, 12, 9, tzinfo=timezone.get_current_timezone())
    session = SessionFactory(
        commission__organisation=organisation,
        opens_at=opens,
        closes_at=opens + dt.timedelta(hours=8),
    )
    item = AgendaItemFactory(session=session)
    vacancy = item.vacancy
    vacancy.notice_received_on = dt.date(2026, 1, 5)
    vacancy.ready_on = dt.date(2026, 3, 12)
    vacancy.allocated_on = dt.date(2026, 3, 12)
    vacancy.lease_signed_on = dt.date(2026, 3, 12)
    labels = [step.label for step in timeline(vacancy, [item])]
    assert labels[0] == "Notice received"
    assert labels[1] == "Ready to let"
    assert labels[2].startswith("On the agenda of")
    assert labels[3:] == ["Allocated", "Lease signed"]
