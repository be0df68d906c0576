"""Work orders (issue 8 §3): sending one, the contractor's link (expired, revoked), each step
idempotent (a double-submitted completion), the health questionnaire stopping a visit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.interventions.models import (
    RequestStatus,
    WorkOrder,
    WorkOrderPhoto,
    WorkOrderStatus,
    WorkOrderSubmission,
)
from relais.interventions.work_orders import health, links, services

from .conftest import image_bytes

SAFE = {"symptoms": "no", "vulnerable": "no", "ppe_worn": "yes", "ventilation": "yes"}


@pytest.fixture
def sent(
    organisation,
    technician,
    triaged,
    plumber,
    messages_sent,
    outbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        work_order, token = services.work_order_create(
            organisation=organisation, actor=technician[0], request=triaged, contractor=plumber
        )
    return work_order, token


def _link(token):
    return reverse("interventions:contractor_link", kwargs={"token": token})


def _post(client, token, step, key, **data):
    return client.post(_link(token), {"step": step, "key": key, **data})


def test_staff_send_the_request_and_the_contractor_gets_the_link(
    client,
    member_factory,
    triaged,
    plumber,
    messages_sent,
    outbox,
    django_capture_on_commit_callbacks,
):
    _user, staff = member_factory(Role.TECHNICIAN)
    url = reverse("interventions:work_order_create", args=[triaged.pk])
    page = staff.get(url)
    assert page.status_code == 200 and "Plomberie Martin" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            url, {"contractor": plumber.pk, "instructions": "Clé chez la gardienne"}
        )
    work_order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert work_order.status == WorkOrderStatus.SENT
    triaged.refresh_from_db()
    assert triaged.status == RequestStatus.DISPATCHED
    # Due 24 h after the tenant's first report (water leak: urgent), not after the dispatch.
    assert work_order.due_at == triaged.reported_at + dt.timedelta(hours=24)
    [mail] = messages_sent
    assert mail["to"] == "contact@plomberie-martin.fr" and mail["channel"] == "email"
    token = mail["body"].split("/prestataire/bon/")[1].split("/")[0]
    assert links.token_hash(token) == work_order.link_token_hash
    assert token not in str(WorkOrder.objects.values_list().get())  # only the hash is stored


def test_the_whole_visit_through_the_link(client, sent, django_capture_on_commit_callbacks):
    work_order, token = sent
    assert _post(client, token, "accept", "k" * 16).status_code == 302
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    _post(client, token, "schedule", "s" * 16, day=day, start="09:00", end="10:00")
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.SCHEDULED
    assert work_order.request.status == RequestStatus.SCHEDULED
    page = client.get(_link(token)).content.decode()
    assert 'data-testid="step-health"' in page and 'data-testid="step-complete"' not in page
    _post(client, token, "health", "h" * 16, **SAFE)
    photo = SimpleUploadedFile("apres.png", image_bytes("PNG"), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _link(token),
            {"step": "complete", "key": "c" * 16, "note": "Joint changé", "photos": [photo]},
        )
    assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.COMPLETED
    assert work_order.request.status == RequestStatus.DONE
    assert WorkOrderPhoto.objects.get().original_name == "apres.png"
    assert 'data-testid="completed"' in client.get(_link(token)).content.decode()


def test_a_double_submitted_completion_changes_nothing_twice(client, sent):
    work_order, token = sent
    services.work_order_accept(work_order=work_order, key="a" * 16)
    start = timezone.now() + dt.timedelta(hours=1)
    services.work_order_schedule(
        work_order=work_order, key="b" * 16, start=start, end=start + dt.timedelta(hours=1)
    )
    services.work_order_health(
        work_order=work_order,
        key="c" * 16,
        answers={c: c in ("ppe_worn", "ventilation") for c in health.QUESTIONS},
        emergency=False,
    )
    data = {"step": "complete", "key": "d" * 16, "note": "Joint changé"}
    first = client.post(
        _link(token), {**data, "photos": [SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")]}
    )
    again = client.post(
        _link(token), {**data, "photos": [SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")]}
    )
    assert first.status_code == again.status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.COMPLETED
    assert WorkOrderPhoto.objects.count() == 1
    assert WorkOrderSubmission.objects.filter(step="completed").count() == 1
    assert AuditEvent.objects.filter(action="work_order.completed").count() == 1
    assert work_order.request.events.filter(status=RequestStatus.DONE).count() == 1
    # A second completion with a new key is refused in French, and changes nothing either.
    third = client.post(_link(token), {**data, "key": "e" * 16}, follow=True)
    assert "ne peut pas être terminé" in third.content.decode()
    assert WorkOrderSubmission.objects.filter(step="completed").count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("notes.pdf", b"%PDF-1.4 not a photo", "application/pdf"), "« notes.pdf »"),
        (("apres.png", None, "image/png"), "« apres.png » dépasse 10 Mo."),
    ],
    ids=["wrong type", "too large"],
)
def test_a_completion_photo_of_the_wrong_type_or_size_changes_nothing(
    client, sent, monkeypatch, upload, message
):
    from relais.interventions.requests import photos as photo_rules

    monkeypatch.setattr(photo_rules, "MAX_BYTES", 1000)
    work_order, token = sent
    services.work_order_accept(work_order=work_order, key="a" * 16)
    start = timezone.now() + dt.timedelta(hours=1)
    services.work_order_schedule(
        work_order=work_order, key="b" * 16, start=start, end=start + dt.timedelta(hours=1)
    )
    _post(client, token, "health", "h" * 16, **SAFE)
    name, content, kind = upload
    photo = SimpleUploadedFile(name, content or image_bytes("PNG", size=(400, 400)), kind)
    response = client.post(
        _link(token), {"step": "complete", "key": "c" * 16, "note": "Fait", "photos": [photo]}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.SCHEDULED and not WorkOrderPhoto.objects.exists()
    assert not WorkOrderSubmission.objects.filter(step="completed").exists()
    # The same key, with a right photo this time, completes: the refusal recorded nothing.
    right = SimpleUploadedFile("apres.jpg", image_bytes(size=(20, 20)), "image/jpeg")
    client.post(
        _link(token), {"step": "complete", "key": "c" * 16, "note": "Fait", "photos": [right]}
    )
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.COMPLETED


def test_an_expired_link_is_refused_and_changes_nothing(client, sent):
    work_order, token = sent
    WorkOrder.objects.filter(pk=work_order.pk).update(
        link_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = client.get(_link(token))
    assert page.status_code == 410 and "Ce lien a expiré" in page.content.decode()
    response = _post(client, token, "accept", "k" * 16)
    assert response.status_code == 410
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.SENT and not work_order.submissions.exists()


def test_a_revoked_link_is_refused_and_a_new_link_works(
    client, sent, technician, messages_sent, django_capture_on_commit_callbacks
):
    work_order, token = sent
    response = technician[1].post(reverse("interventions:work_order_revoke", args=[work_order.pk]))
    assert response.status_code == 302
    page = client.get(_link(token))
    assert page.status_code == 410 and "a fermé ce lien" in page.content.decode()
    assert _post(client, token, "accept", "k" * 16).status_code == 410
    with django_capture_on_commit_callbacks(execute=True):
        _wo, new_token = services.work_order_new_link(work_order=work_order, actor=None)
    assert client.get(_link(token)).status_code == 404  # the old link names nothing now
    assert _post(client, new_token, "accept", "k" * 16).status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.ACCEPTED


def test_an_unknown_token_is_a_french_404(client, db):
    page = client.get(_link("x" * 43))
    assert page.status_code == 404 and "ne correspond à aucun bon" in page.content.decode()


def _scheduled(work_order):
    services.work_order_accept(work_order=work_order, key="a" * 16)
    start = timezone.now() + dt.timedelta(hours=1)
    services.work_order_schedule(
        work_order=work_order, key="b" * 16, start=start, end=start + dt.timedelta(hours=1)
    )


def test_a_positive_answer_stops_the_visit_and_says_so(client, sent):
    work_order, token = sent
    _scheduled(work_order)
    response = _post(client, token, "health", "h" * 16, **{**SAFE, "symptoms": "yes"})
    page = client.get(response["Location"]).content.decode()
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.STOPPED
    assert work_order.health_answers["symptoms"] is True and not work_order.emergency_override
    assert "N’entrez pas" in page or "N'entrez pas" in page
    assert 'data-testid="visit-stopped"' in page
    assert 'data-testid="step-complete"' not in page  # no completion after a stop
    with pytest.raises(services.StepRefused):
        services.work_order_complete(work_order=work_order, key="z" * 16, note="x", photos=[])


def test_the_emergency_may_maintain_the_visit(client, sent):
    work_order, token = sent  # a water leak: urgent
    _scheduled(work_order)
    _post(client, token, "health", "h" * 16, **{**SAFE, "vulnerable": "yes"}, emergency="on")
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.SCHEDULED and work_order.emergency_override
    assert "FFP2" in client.get(_link(token)).content.decode()


@pytest.mark.parametrize(
    ("answers", "priority", "claimed", "proceed", "emergency"),
    [
        ({}, "normal", False, True, False),
        ({"symptoms": True}, "normal", False, False, False),
        ({"symptoms": True}, "normal", True, False, False),  # not an emergency: stopped
        ({"symptoms": True}, "safety", True, True, True),
        ({"ppe_worn": False}, "urgent", False, False, False),
        ({"ventilation": False}, "urgent", True, True, True),
        ({"vulnerable": True}, "planned", True, False, False),
    ],
)
def test_health_rules(answers, priority, claimed, proceed, emergency):
    full = {"symptoms": False, "vulnerable": False, "ppe_worn": True, "ventilation": True}
    result = health.outcome({**full, **answers}, priority=priority, emergency_claimed=claimed)
    assert (result.proceed, result.emergency) == (proceed, emergency)
    assert set(result.risks) == set(answers)


def test_declining_returns_the_request_to_triage(client, sent):
    work_order, token = sent
    _post(client, token, "decline", "d" * 16, reason="Pas de plombier disponible")
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.DECLINED
    assert work_order.request.status == RequestStatus.TRIAGED


def test_a_request_in_progress_gets_no_second_work_order(organisation, sent, plumber):
    work_order, _token = sent
    with pytest.raises(services.StepRefused):
        services.work_order_create(
            organisation=organisation, actor=None, request=work_order.request, contractor=plumber
        )
