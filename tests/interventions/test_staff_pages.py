"""Staff pages: the triage list (query-count guard), a request's page (sensitive answer for
those who need it, audited), triage and close, the phone-call desk, photos."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.interventions.models import InterventionRequest, RequestSource, RequestStatus
from relais.interventions.requests import services
from relais.interventions.requests.photos import reencode

from ..factories import LeaseFactory
from .conftest import image_bytes


def _create(organisation, lease, category, **extra):
    return services.request_create(
        organisation=organisation,
        actor=None,
        source=RequestSource.WEB,
        data=services.NewRequest(
            household=lease.household,
            lease=lease,
            dwelling=lease.dwelling,
            category=category,
            description="Un problème à régler dans le logement.",
            **extra,
        ),
    )


def test_triage_list_shows_safety_first_with_a_bounded_query_count(
    organisation, lease, categories, technician, django_assert_max_num_queries
):
    _user, client = technician
    for code in ("pests", "gas", "water_leak", "other", "fire_safety") * 4:
        other = LeaseFactory(dwelling__building__residence__organisation=organisation)
        _create(organisation, other, categories[code])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("interventions:request_list"))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [r.priority for r in rows[:8]] == ["safety"] * 8
    with django_assert_max_num_queries(12):
        filtered = client.get(
            reverse("interventions:request_list"),
            {
                "status": "new",
                "priority": "urgent",
                "source": "web",
                "category": categories["water_leak"].pk,
            },
        )
    assert filtered.context["page"].paginator.count == 4


def test_a_bad_filter_is_a_400_with_a_message(technician):
    _user, client = technician
    response = client.get(reverse("interventions:request_list"), {"status": "perdu"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.TECHNICIAN, True), (Role.CUSTOMER_OFFICER, True), (Role.DIRECTOR, False)],
)
def test_the_vulnerable_answer_is_for_those_who_act_on_it_and_audited(
    organisation, lease, categories, member_factory, role, shown
):
    found = _create(organisation, lease, categories["heating"], vulnerable_present=True)
    user, client = member_factory(role)
    text = client.get(reverse("interventions:request_detail", args=[found.pk])).content.decode()
    assert ('data-testid="vulnerable"' in text) is shown
    audited = AuditEvent.objects.filter(action="intervention_request.viewed", actor=user)
    assert audited.exists() is shown


def test_triage_and_close_from_the_request_page(organisation, lease, categories, technician):
    _user, client = technician
    found = _create(organisation, lease, categories["other"])
    url = reverse("interventions:request_triage", args=[found.pk])
    response = client.post(
        url, {"category": categories["pests"].pk, "priority": "normal", "note": "Cafards"}
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.status, found.category, found.triaged_at is not None) == (
        RequestStatus.TRIAGED,
        categories["pests"],
        True,
    )
    client.post(reverse("interventions:request_close", args=[found.pk]), {"note": "Doublon"})
    found.refresh_from_db()
    assert found.status == RequestStatus.CLOSED and found.closed_at is not None
    assert list(found.events.values_list("status", flat=True)) == ["new", "triaged", "closed"]


def test_a_triage_with_a_category_of_another_organisation_changes_nothing(
    organisation, other_organisation, lease, categories, technician
):
    from relais.interventions.categories.services import ensure_defaults
    from relais.interventions.models import Category

    ensure_defaults(other_organisation)
    foreign = Category.objects.get(organisation=other_organisation, code="gas")
    _user, client = technician
    found = _create(organisation, lease, categories["other"])
    client.post(
        reverse("interventions:request_triage", args=[found.pk]),
        {"category": foreign.pk, "priority": "safety"},
    )
    found.refresh_from_db()
    assert found.status == RequestStatus.NEW and found.category == categories["other"]


def test_the_phone_desk_finds_the_household_and_logs_the_call(
    organisation, lease, categories, officer
):
    _user, client = officer
    search = client.get(reverse("interventions:call_log"), {"q": "06 12 34 56 78"})
    assert "Famille Dupont" in search.content.decode()
    url = f"{reverse('interventions:call_log')}?household={lease.household.pk}"
    data = {
        "category": categories["gas"].pk,
        "description": "Odeur de gaz dans la cage d'escalier.",
        "reported_at": "2026-11-30T21:15",
        "callback_requested": "on",
        "submission_key": "call-1",
    }
    response = client.post(url, data)
    client.post(url, data)  # double submit
    found = InterventionRequest.objects.get()
    assert response.status_code == 302
    assert (found.source, found.priority, found.lease, found.callback_requested) == (
        "phone",
        "safety",
        lease,
        True,
    )
    client.post(reverse("interventions:request_called_back", args=[found.pk]))
    found.refresh_from_db()
    assert found.called_back_at is not None


def test_a_call_in_the_future_is_refused(organisation, lease, categories, officer):
    _user, client = officer
    url = f"{reverse('interventions:call_log')}?household={lease.household.pk}"
    data = {
        "category": categories["gas"].pk,
        "description": "Odeur de gaz dans la cage d'escalier.",
        "reported_at": "2099-01-01T10:00",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "L’heure de l’appel ne peut pas être dans le futur." in response.content.decode()
    assert not InterventionRequest.objects.exists()


def test_the_phone_desk_cannot_open_another_organisations_household(
    other_organisation, officer, categories
):
    foreign = LeaseFactory(dwelling__building__residence__organisation=other_organisation)
    _user, client = officer
    url = f"{reverse('interventions:call_log')}?household={foreign.household.pk}"
    assert client.get(url).status_code == 404


def test_photos_are_served_to_the_organisation_only(
    organisation, lease, categories, technician, member_factory, other_organisation
):
    photo = reencode(SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"))
    found = _create(organisation, lease, categories["water_leak"], photos=(photo,))
    stored = found.photos.get()
    url = reverse("interventions:request_photo", args=[found.pk, stored.pk])
    _user, client = technician
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8")  # a JPEG
    _outsider, outside_client = member_factory(Role.TECHNICIAN, org=other_organisation)
    assert outside_client.get(url).status_code == 404


def test_categories_and_targets_are_edited_per_organisation(organisation, owner_client, categories):
    url = reverse("interventions:category_list")
    response = owner_client.post(
        url, {"safety": "2", "urgent": "24", "normal": "168", "planned": ""}
    )
    assert response.status_code == 302
    from relais.interventions.categories.selectors import targets

    assert targets(organisation)["safety"] == 2
    edit = reverse("interventions:category_edit", args=[categories["pests"].pk])
    response = owner_client.post(
        edit,
        {
            "name": "Nuisibles",
            "parent": categories["pests"].parent_id,
            "default_priority": "urgent",
            "crisis_whitelisted": "on",
            "position": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    categories["pests"].refresh_from_db()
    assert categories["pests"].crisis_whitelisted and categories["pests"].name == "Nuisibles"
    bad = owner_client.post(url, {"safety": "0"})
    assert bad.status_code == 400
