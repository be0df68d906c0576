"""The manager's planning pages: a round edited (touch points, frequency, crisis frequency,
hours), the caretaker and their usual replacement, the communes' collection calendars."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.proximity import generation, selectors, services
from relais.proximity.models import (
    BuildingCaretaker,
    CollectionStream,
    RoundKind,
    RoundOccurrence,
)

from ..factories import BuildingFactory, CommuneFactory, MembershipFactory
from .conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation):
    user = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "kind": "disinfection",
    "name": "Désinfection renforcée",
    "first_start": "07:30",
    "passages": "3",
    "interval_minutes": "180",
    "window_minutes": "90",
    "crisis_passages": "5",
    "days": ["1", "2", "4", "8", "16"],
    "crisis_days": [],
    "steps": "Poignées\nBoutons de l'ascenseur\nDigicode\n",
    "is_active": "on",
}


def test_the_manager_edits_a_round_and_the_next_passages_follow(
    organisation, building, caretaker, manager
):
    template = make_round(organisation, building)
    url = reverse("proximity:round_edit", args=[template.pk])
    page = manager.get(url).content.decode()
    assert "Poignées de la porte d&#x27;entrée" in page  # the current touch points
    refused = manager.post(url, {**FORM, "follows_collection": "on"})
    assert refused.status_code == 400
    assert "Seules les tournées de bacs suivent le calendrier" in refused.content.decode()
    assert manager.post(url, FORM).status_code == 302
    template.refresh_from_db()
    assert (template.passages, template.crisis_passages, template.weekdays) == (3, 5, 31)
    assert list(template.steps.values_list("label", flat=True)) == [
        "Poignées",
        "Boutons de l'ascenseur",
        "Digicode",
    ]
    monday = dt.date(2026, 12, 7)
    generation.generate_day(monday, crisis=[])
    passages = RoundOccurrence.objects.filter(day=monday).order_by("passage")
    assert [timezone.localtime(o.starts_at).strftime("%H:%M") for o in passages] == [
        "07:30",
        "10:30",
        "13:30",
    ]
    assert passages[0].steps.count() == 3
    assert not RoundOccurrence.objects.filter(day=monday + dt.timedelta(days=5)).exists()
    generation.generate_day(monday, crisis=[organisation.pk])
    assert RoundOccurrence.objects.filter(day=monday).count() == 5  # crisis: two more
    assert AuditEvent.objects.filter(action="round.updated").count() == 1


def test_a_round_of_another_organisation_is_not_found(other_organisation, manager):
    foreign = BuildingFactory(residence__organisation=other_organisation)
    template = make_round(other_organisation, foreign)
    assert manager.get(reverse("proximity:round_edit", args=[template.pk])).status_code == 404


def test_the_usual_replacement_is_set_with_the_caretaker(
    organisation, building, caretaker, manager
):
    backup = MembershipFactory(
        organisation=organisation, role=Role.CARETAKER, user__last_name="Benali"
    ).user
    url = reverse("proximity:caretaker_set", args=[building.pk])
    manager.post(url, {"caretaker": caretaker.pk, "backup": caretaker.pk})
    assert BuildingCaretaker.objects.get(building=building).backup is None
    manager.post(url, {"caretaker": caretaker.pk, "backup": backup.pk})
    assert BuildingCaretaker.objects.get(building=building).backup == backup
    page = manager.get(reverse("proximity:building", args=[building.pk])).content.decode()
    assert "Benali" in page


def test_the_manager_keeps_the_collection_calendar(organisation, building, manager):
    url = reverse("proximity:collection_list")
    elsewhere = CommuneFactory(code="75056", name="Paris")
    form = {"commune": elsewhere.code, "stream": "glass", "on_holiday": "next_day", "days": ["2"]}
    assert manager.post(url, form).status_code == 400  # no building of ours in Paris
    form["commune"] = building.commune_id
    assert manager.post(url, {**form, "days": []}).status_code == 400
    assert manager.post(url, form).status_code == 302
    duplicate = manager.post(url, form)
    assert duplicate.status_code == 400 and "déjà" in duplicate.content.decode()
    stream = CollectionStream.objects.get()
    assert (stream.weekdays, stream.on_holiday) == (2, "next_day")
    edit = reverse("proximity:collection_edit", args=[stream.pk])
    manager.post(edit, {**form, "days": ["2", "16"], "on_holiday": "kept"})
    stream.refresh_from_db()
    assert (stream.weekdays, stream.on_holiday) == (18, "kept")
    listing = manager.get(url).content.decode()
    assert "Tours" in listing and "Verre" in listing
    make_round(organisation, building, kind=RoundKind.BINS_IN, follows_collection=True)
    page = manager.get(reverse("proximity:building", args=[building.pk])).content.decode()
    assert "Verre" in page and "calendrier de collecte de la commune" in page
    assert "Verre\u00a0: " in page and "Verre:" not in page  # French: no-break space, colon
    manager.post(reverse("proximity:collection_delete", args=[stream.pk]))
    assert not CollectionStream.objects.exists()
    page = manager.get(reverse("proximity:building", args=[building.pk])).content.decode()
    assert "ne sont pas planifiées" in page  # bins rounds by the calendar, and no calendar


def test_a_caretaker_cannot_edit_the_calendar(organisation, caretaker):
    client = Client()
    client.force_login(caretaker)
    assert client.get(reverse("proximity:collection_list")).status_code == 403


def test_passages_that_run_past_midnight_are_refused(organisation, building, caretaker, manager):
    template = make_round(organisation, building)
    url = reverse("proximity:round_edit", args=[template.pk])
    late = {**FORM, "first_start": "09:00", "passages": "6", "interval_minutes": "300"}
    refused = manager.post(url, late)
    assert refused.status_code == 400
    assert "passent minuit" in refused.content.decode()
    assert "Passages par jour : 6 passages" in refused.content.decode()
    template.refresh_from_db()
    assert template.passages == 1
    crisis = {**FORM, "first_start": "09:00", "passages": "1", "crisis_passages": "8"}
    assert manager.post(url, {**crisis, "interval_minutes": "180"}).status_code == 400


def test_the_next_disinfection_is_shown_before_its_passages_are_generated(
    organisation, building, caretaker, manager
):
    make_round(organisation, building)  # every day at 09:00, nothing generated yet
    page = manager.get(reverse("proximity:building", args=[building.pk])).content.decode()
    assert "aucune prévue" not in page
    state = selectors.building_state(building, timezone.now())
    local = timezone.localtime(state.next_disinfection)
    assert (local.hour, local.minute) == (9, 0)
    assert state.next_disinfection >= timezone.now()


def test_the_caretaker_is_not_offered_as_their_own_replacement(
    organisation, building, caretaker, manager
):
    MembershipFactory(organisation=organisation, role=Role.CARETAKER, user__last_name="Benali")
    page = manager.get(reverse("proximity:building", args=[building.pk])).content.decode()
    backup = page[page.index('name="backup"') :]
    backup = backup[: backup.index("</select>")]
    assert "Benali" in backup
    assert "Roux" not in backup
    with pytest.raises(ValidationError):
        services.caretaker_set(
            organisation=organisation,
            actor=None,
            building=building,
            caretaker=caretaker,
            backup=caretaker,
        )
