"""The shared demand pool (issue 17 §1, docs/decisions/0046): one file per registration
number, searched, read and proposed by every landlord with stock where it wishes to live,
written by the landlord that registered it only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from relais.allocation.applications.pool import (
    pool_applications,
    readable_applications,
    territory_write,
)
from relais.allocation.applications.services import application_update
from relais.allocation.models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    ApplicationTerritory,
)
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..factories import CommuneFactory, DwellingFactory
from .factories import SessionFactory
from .factories_vacancies import applicant, ceilings, orleans, vacancy


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids); the French is in the catalogue."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def theirs(other_organisation):
    """An application registered by Scalis wishing Tours."""
    return applicant(
        other_organisation,
        score=95,
        registration_number="0372026000777",
        applicant_last_name="Moreau",
    )


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.ALLOCATION_OFFICER)


@pytest.fixture
def their_officer(member_factory, other_organisation):
    return member_factory(Role.ALLOCATION_OFFICER, other_organisation)


def detail(application):
    return reverse("allocation:application_detail", args=[application.pk])


def test_a_landlord_with_stock_in_a_wished_commune_reads_the_file_audited_in_both_chains(
    organisation, other_organisation, officer, theirs
):
    DwellingFactory(building__residence__organisation=organisation)  # stock in Tours
    user, client = officer
    response = client.get(detail(theirs))
    body = response.content.decode()
    assert response.status_code == 200 and "Moreau" in body
    assert "Registered by Scalis" in body
    assert reverse("allocation:application_edit", args=[theirs.pk]) not in body
    ours = AuditEvent.objects.get(organisation=organisation, action="application.viewed_from_pool")
    assert (ours.actor, ours.object_id) == (user, str(theirs.pk))
    registering = AuditEvent.objects.get(
        organisation=other_organisation, action="application.viewed_by_landlord"
    )
    assert registering.changes["landlord_name"] == "Tours Habitat"
    assert registering.actor == user
    # Read only: the edit page and the renewal are the registering landlord's.
    assert client.get(reverse("allocation:application_edit", args=[theirs.pk])).status_code == 404
    renew = reverse("allocation:application_renew", args=[theirs.pk])
    assert client.post(renew, {"on": dt.date.today().isoformat()}).status_code == 404
    standing = reverse("allocation:application_standing", args=[theirs.pk])
    assert client.get(standing).status_code == 200


def test_a_landlord_without_stock_in_the_wished_communes_sees_nothing(
    organisation, officer, theirs
):
    DwellingFactory(building__residence__organisation=organisation, building__commune=orleans())
    _user, client = officer
    assert client.get(detail(theirs)).status_code == 404
    assert not readable_applications(organisation).filter(pk=theirs.pk).exists()
    pool = client.get(reverse("allocation:application_list"), {"registered_by": "pool"})
    assert "Moreau" not in pool.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="application.viewed").exists()


def test_the_pool_list_shows_other_landlords_files_of_the_territory(organisation, officer, theirs):
    DwellingFactory(building__residence__organisation=organisation)
    territory_write([theirs.pk])  # the factory wrote the wishes directly
    assert list(pool_applications(organisation)) == [theirs]
    _user, client = officer
    own = client.get(reverse("allocation:application_list")).content.decode()
    assert "Moreau" not in own
    pool = client.get(reverse("allocation:application_list"), {"registered_by": "pool"})
    assert "Moreau" in pool.content.decode() and "Registered by Scalis" in pool.content.decode()


def test_territory_follows_the_wishes(organisation, theirs):
    loire = orleans()
    application_update(actor=None, application=theirs, wished_communes=[CommuneFactory(), loire])
    territory = ApplicationTerritory.objects.filter(application=theirs)
    assert sorted(territory.values_list("departement_id", flat=True)) == ["37", "45"]
    application_update(actor=None, application=theirs, wished_communes=[loire])
    assert list(territory.values_list("departement_id", flat=True)) == ["45"]


def test_val_touraine_proposes_a_file_of_tours_habitat_which_sees_it(
    organisation, other_organisation, officer, their_officer, theirs
):
    """Another landlord puts the file on its agenda; the registering landlord reads
    "proposed by … for a T3 in Tours, commission on <date>" on its file."""
    ceilings(dt.date.today().year)
    vacancy_ = vacancy(organisation)
    ours = [applicant(organisation, score=score) for score in (50, 40)]
    session = SessionFactory(commission__organisation=organisation)
    _user, client = officer
    page = client.get(reverse("allocation:vacancy_candidates", args=[vacancy_.pk]))
    assert "0372026000777" in page.content.decode()
    picked = [theirs, *ours]
    response = client.post(
        reverse("allocation:vacancy_candidates", args=[vacancy_.pk]),
        {
            "candidates": [a.pk for a in picked],
            **{f"rank_{a.pk}": str(rank) for rank, a in enumerate(picked, 1)},
            "session": session.pk,
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(session=session)
    assert item.candidates.filter(application=theirs).exists()
    theirs.refresh_from_db()
    assert theirs.status == ApplicationStatus.PROPOSED
    _their_user, their_client = their_officer
    body = their_client.get(detail(theirs)).content.decode()
    date = session.opens_at.astimezone().strftime("%d/%m/%Y")
    assert f"Proposed by Tours Habitat for a T3 in Tours, commission on {date}" in body


def test_an_application_of_another_landlord_outside_the_pool_cannot_be_proposed(
    organisation, other_organisation
):
    from django.core.exceptions import ValidationError

    from relais.allocation.commissions.agenda import agenda_item_add

    ceilings(dt.date.today().year)
    vacancy_ = vacancy(organisation)
    far = applicant(other_organisation, wishes=[orleans()])
    session = SessionFactory(commission__organisation=organisation)
    with pytest.raises(ValidationError, match="Unknown applications"):
        agenda_item_add(
            session=session,
            vacancy=vacancy_,
            actor=None,
            application_ids=[far.pk],
            few_candidates_reason="too_few",
        )


def test_the_file_reads_in_french(settings, organisation, officer, theirs):
    settings.LANGUAGE_CODE = "fr"
    DwellingFactory(building__residence__organisation=organisation)
    with translation.override("fr"):
        body = officer[1].get(detail(theirs), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Enregistrée par Scalis" in body


def test_a_second_registration_through_the_form_names_the_existing_file(
    organisation, officer, theirs
):
    _user, client = officer
    response = client.post(
        reverse("allocation:application_create"),
        {"registration_number": "0372026000777", "applicant_last_name": "Autre"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "already registered by Scalis" in body
    assert Application.objects.filter(registration_number="0372026000777").count() == 1
