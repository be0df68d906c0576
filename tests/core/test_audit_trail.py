"""The audit trail as people read it: labels, changes, masks, links, filters and export."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from relais.core import audit
from relais.core.audit_trail import registry
from relais.core.audit_trail.display import readable
from relais.core.models import AuditEvent
from relais.core.roles import Role, abilities_for_role
from relais.housing.services import record_save

from ..factories import HouseholdFactory, OccupantFactory, UserFactory

URL = reverse("core:audit_log")
EXPORT = reverse("core:audit_export")


@pytest.fixture
def director(member_factory):
    return member_factory(Role.DIRECTOR)


@pytest.fixture
def occupant_changed(organisation, director):
    """An officer corrects an occupant: first name, and the disability and living-alone flags
    (sensitive)."""
    user, _client = director
    occupant = OccupantFactory(household__organisation=organisation, first_name="Alice")
    occupant.first_name, occupant.has_disability, occupant.lives_alone = "Alicia", True, True
    record_save(organisation=organisation, actor=user, instance=occupant, entity="occupant")
    return occupant


def _body(client, query=""):
    response = client.get(f"{URL}{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_each_event_shows_a_french_label_and_its_changes_field_by_field(director, occupant_changed):
    _user, client = director
    body = _body(client)
    assert "Occupant modifié" in body
    assert "Prénom&nbsp;: Alice → Alicia" in body
    shown = re.sub(r"<[^>]*>", " ", body)  # what a reader sees, not the form's option values
    for raw in ("occupant.updated", "first_name", "{", "SHA-256", "sha256", "True"):
        assert raw not in shown, raw


def test_a_director_does_not_see_a_disability_flag_value(director, occupant_changed):
    """Issue 19 §4: the director may not see the flags on the household's page either."""
    _user, client = director
    body = _body(client)
    assert "Handicap&nbsp;: <em>masqué</em>" in body
    assert "Vit seul(e)&nbsp;: <em>masqué</em>" in body
    assert not re.search(r"(Handicap|Vit seul\(e\))&nbsp;: (non|oui)", body)


def test_a_reader_with_the_ability_sees_the_sensitive_values(organisation, occupant_changed):
    event = AuditEvent.objects.get(action="occupant.updated")
    officer = abilities_for_role(Role.ALLOCATION_OFFICER)
    [row] = readable([event], organisation=organisation, abilities=officer)
    shown = {change.label: (change.before, change.after, change.masked) for change in row.changes}
    assert shown["Handicap"] == ("non", "oui", False)
    director = abilities_for_role(Role.DIRECTOR)
    [row] = readable([event], organisation=organisation, abilities=director)
    shown = {change.label: (change.before, change.after, change.masked) for change in row.changes}
    assert shown["Handicap"] == (None, "masqué", True)


def test_times_are_shown_in_europe_paris(director, organisation):
    event = audit.record(action="api_key.created", organisation=organisation)
    winter_night = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=winter_night)
    body = _body(director[1])
    assert "16/01/2026 00:30" in body


def test_the_object_links_to_its_page_only_while_it_exists(director, organisation):
    household = HouseholdFactory(organisation=organisation, name="Famille Lenoir")
    audit.record(action="household.viewed", organisation=organisation, obj=household)
    gone = HouseholdFactory(organisation=organisation, name="Famille Partie")
    audit.record(action="household.viewed", organisation=organisation, obj=gone)
    gone.delete()
    body = _body(director[1])
    link = f'href="{household.get_absolute_url()}">Famille Lenoir ({household.reference})</a>'
    assert link in body
    assert f"Famille Partie ({gone.reference})</div>" in body


def test_money_and_coded_values_read_in_french(director, organisation):
    household = HouseholdFactory(organisation=organisation)
    audit.record(
        action="housing.exported",
        organisation=organisation,
        changes={"kind": "households", "format": "xlsx", "columns": ["reference"]},
    )
    audit.record(
        action="household.viewed",
        organisation=organisation,
        obj=household,
        changes={"via": "api", "sensitive": False},
    )
    body = _body(director[1])
    assert "Données&nbsp;: ménages" in body
    assert "Format&nbsp;: Excel (XLSX)" in body
    assert "Par&nbsp;: l’API" in body
    assert "columns" not in body


@pytest.fixture
def varied_trail(organisation, member_factory):
    anne, _client = member_factory(Role.ALLOCATION_OFFICER)
    anne.first_name, anne.last_name = "Anne", "Moreau"
    anne.save()
    bruno = UserFactory(first_name="Bruno", last_name="Petit")
    household = HouseholdFactory(organisation=organisation)
    audit.record(action="household.viewed", organisation=organisation, actor=anne, obj=household)
    audit.record(action="api_key.created", organisation=organisation, actor=bruno)
    old = audit.record(action="crisis.mode_changed", organisation=organisation, actor=anne)
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 2 March, 00:30 in Paris
    )
    return anne, bruno


def _actions(client, query):
    response = client.get(f"{URL}{query}")
    assert response.status_code == 200
    return [row.event.action for row in response.context["page"].object_list]


def test_filters_by_person_action_object_type_and_dates(director, varied_trail):
    anne, _bruno = varied_trail
    client = director[1]
    assert sorted(_actions(client, f"?actor={anne.pk}")) == [
        "crisis.mode_changed",
        "household.viewed",
    ]
    assert _actions(client, "?action=api_key.created") == ["api_key.created"]
    assert _actions(client, "?object_type=housing.household") == ["household.viewed"]
    assert _actions(client, "?date_from=2026-03-02&date_to=2026-03-02") == ["crisis.mode_changed"]
    assert _actions(client, "?date_to=2026-03-01") == []
    body = _body(client)
    assert "Anne Moreau" in body


def test_bad_filters_get_a_french_message_not_a_500(director, varied_trail):
    client = director[1]
    body = _body(client, "?date_from=2026-03-05&date_to=2026-03-01")
    assert "La date de début doit précéder la date de fin" in body
    response = client.get(f"{URL}?date_from=pas-une-date&action=nope&actor=999999999")
    assert response.status_code == 200
    assert response.context["page"].object_list == []
    assert client.get(f"{EXPORT}?date_from=xx").status_code == 400


def test_the_page_is_paginated_in_a_bounded_number_of_queries(
    director, organisation, django_assert_max_num_queries
):
    user, client = director
    households = HouseholdFactory.create_batch(3, organisation=organisation)
    for n in range(60):
        occupant = OccupantFactory(household=households[n % 3])
        occupant.first_name = f"Prénom {n}"
        record_save(organisation=organisation, actor=user, instance=occupant, entity="occupant")
        audit.record(action="household.viewed", organisation=organisation, obj=households[n % 3])
    with django_assert_max_num_queries(11):  # 9 measured: session, user, memberships,
        # count, events, one per linked object type, crisis banner, the people to filter by
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 3


def test_other_organisations_events_never_show(director, other_organisation):
    audit.record(action="api_key.created", organisation=other_organisation, object_repr="SECRET")
    assert "SECRET" not in _body(director[1])


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_director_exports_the_filtered_view_masked_and_the_export_is_audited(
    director, occupant_changed, varied_trail
):
    user, client = director
    response = client.get(f"{EXPORT}?object_type=housing.occupant")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = _csv(response)
    assert header == [
        "Date et heure",
        "Personne",
        "Action",
        "Type d’objet",
        "Objet",
        "Modifications",
    ]
    assert [row[2] for row in rows] == ["Occupant modifié"]
    assert "Prénom\u00a0: Alice → Alicia" in rows[0][5]
    assert "Handicap\u00a0: masqué" in rows[0][5]
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == user
    assert exported.changes == {"criteria": "Type d’objet\u00a0: Occupant", "rows": 1}


def test_only_directors_export(member_factory, occupant_changed):
    _user, client = member_factory(Role.MANAGER)
    assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


ACTION_LITERAL = re.compile(r'action="([a-z_]+\.[a-z_]+)"')
TEST_ONLY = {"test.done", "global.done"}


def test_every_action_written_by_the_code_has_a_french_label():
    """A capability that records a new action must register its label (``audit_actions``)."""
    root = Path(__file__).resolve().parents[2] / "relais"
    written = {
        code
        for path in root.rglob("*.py")
        for code in ACTION_LITERAL.findall(path.read_text(encoding="utf-8"))
    }
    assert written - set(registry.ACTIONS) == set()
    assert written  # the scan found the codes
