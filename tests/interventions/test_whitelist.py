"""The crisis switch "urgent interventions only" (issue 8 §2): held requests, dispatch refused,
the backlog returned to triage with its report, and its lines on /crise/."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import CrisisMode
from relais.core.services import crisis_mode_change
from relais.interventions.models import (
    BacklogRelease,
    InterventionRequest,
    RequestEvent,
    RequestSource,
    RequestStatus,
)
from relais.interventions.requests import services


def _switch(organisation, on: bool):
    crisis_mode_change(
        organisation=organisation,
        actor=None,
        mode=CrisisMode.CRISIS if on else CrisisMode.RESTART,
        switches={"urgent_interventions_only": on},
    )


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


def test_while_on_only_whitelisted_requests_wait_for_triage(
    organisation, lease, categories, outbox, django_capture_on_commit_callbacks
):
    _switch(organisation, True)
    with django_capture_on_commit_callbacks(execute=True):
        leak = _create(organisation, lease, categories["water_leak"])
        pests = _create(organisation, lease, categories["pests"])
    assert leak.status == RequestStatus.NEW
    assert pests.status == RequestStatus.DEFERRED and pests.deferred_at is not None
    deferred_message = next(m for m in outbox if pests.tracking_number in m["subject"])
    assert "reportée jusqu’à la reprise d’activité" in deferred_message["body"]


def test_switching_on_defers_pending_requests_outside_the_whitelist(
    organisation, lease, categories
):
    leak = _create(organisation, lease, categories["water_leak"])
    pests = _create(organisation, lease, categories["pests"])
    _switch(organisation, True)
    leak.refresh_from_db()
    pests.refresh_from_db()
    assert (leak.status, pests.status) == (RequestStatus.NEW, RequestStatus.DEFERRED)


def test_a_held_request_cannot_be_dispatched(organisation, lease, categories, technician):
    user, _client = technician
    common = _create(organisation, lease, categories["common_areas"])
    services.request_triage(
        request=common, actor=user, category=categories["common_areas"], priority="normal"
    )
    _switch(organisation, True)  # the triaged request is not "to triage": it stays
    with pytest.raises(services.RequestRefused, match="attend la reprise"):
        services.request_move(request=common, actor=user, status=RequestStatus.DISPATCHED)
    common.refresh_from_db()
    assert common.status == RequestStatus.TRIAGED


def test_triage_into_a_held_category_defers(organisation, lease, categories, technician):
    user, _client = technician
    _switch(organisation, True)
    leak = _create(organisation, lease, categories["water_leak"])
    triaged = services.request_triage(
        request=leak, actor=user, category=categories["other"], priority="normal"
    )
    assert triaged.status == RequestStatus.DEFERRED


def test_switching_off_returns_the_backlog_to_triage_with_its_size_and_age(
    organisation, lease, categories, outbox, django_capture_on_commit_callbacks, owner_client
):
    _switch(organisation, True)
    held = [_create(organisation, lease, categories["pests"]) for _ in range(3)]
    now = timezone.now()
    for request, days in zip(held, (10, 4, 1), strict=True):
        InterventionRequest.objects.filter(pk=request.pk).update(
            deferred_at=now - dt.timedelta(days=days)
        )
    with django_capture_on_commit_callbacks(execute=True):
        _switch(organisation, False)
    statuses = set(
        InterventionRequest.objects.filter(pk__in=[r.pk for r in held]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {RequestStatus.NEW}
    release = BacklogRelease.objects.get(organisation=organisation)
    assert release.count == 3
    assert release.max_wait_hours == 240
    assert release.mean_wait_hours == 120  # (240 + 96 + 24) / 3
    returned = RequestEvent.objects.filter(status=RequestStatus.NEW, at=release.released_at)
    assert returned.count() == 3
    released = [m for m in outbox if "L’activité a repris" in m["body"]]
    assert len(released) == 3
    page = owner_client.get(reverse("interventions:request_list"))
    assert "3 demandes reportées sont revenues au tri" in page.content.decode()


def test_switching_off_with_an_empty_backlog_reports_zero(organisation, categories):
    _switch(organisation, True)
    _switch(organisation, False)
    assert BacklogRelease.objects.get(organisation=organisation).count == 0


def test_a_switch_left_as_it_was_does_nothing(organisation, lease, categories):
    _switch(organisation, True)
    pests = _create(organisation, lease, categories["pests"])
    _switch(organisation, True)  # another change of the mode, the switch still on
    pests.refresh_from_db()
    assert pests.status == RequestStatus.DEFERRED
    assert not BacklogRelease.objects.exists()


def test_the_crisis_page_says_what_the_switch_does(owner_client):
    text = owner_client.get(reverse("core:crisis")).content.decode()
    assert "Seules les demandes des catégories retenues" in text
    assert "les demandes reportées reviennent au tri" in text


def test_the_public_notice_links_to_the_request_form(client, organisation, categories):
    from relais.core.services import crisis_notice_save

    _switch(organisation, True)
    crisis_notice_save(
        organisation=organisation,
        actor=None,
        text="Nos agences sont fermées.",
        phone_lines="",
        emergency_phone="02 47 00 00 00",
        links="",
    )
    page = client.get(reverse("core:public_agencies", args=[organisation.slug]))
    form_url = reverse("interventions:public_request", kwargs={"slug": organisation.slug})
    assert f'href="{form_url}"' in page.content.decode()
    assert "Signaler un problème technique dans votre logement" in page.content.decode()


def test_the_printed_notice_gives_the_request_forms_address(organisation):
    from relais.core.pdf import crisis_notice_data
    from relais.core.services import crisis_notice_save

    notice = crisis_notice_save(
        organisation=organisation,
        actor=None,
        text="Nos agences sont fermées.",
        phone_lines="",
        emergency_phone="02 47 00 00 00",
        links="Payer son loyer | https://paiement.example.fr",
    )
    links = crisis_notice_data(notice)["links"]
    assert links[0] == {
        "label": "Signaler un problème technique dans votre logement",
        "address": reverse("interventions:public_request", kwargs={"slug": organisation.slug}),
    }
    # Then the other capabilities' public pages, then the organisation's own links.
    assert links[-1]["address"] == "https://paiement.example.fr"
