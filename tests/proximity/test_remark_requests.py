"""A caretaker's remark on a round step becomes an intervention request about the
building's common areas: no household (nobody told), the building, source "round", the
photo re-encoded, the category chosen or "other"; triage, the request page, the contractor's
link and on-call alerts read the building where they read the household."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import (
    Category,
    InterventionRequest,
    RequestPhoto,
    RequestStatus,
)
from relais.interventions.on_call import services as on_call
from relais.interventions.requests import services as requests
from relais.interventions.tasks import tell_tenants
from relais.interventions.work_orders import services as work_orders
from relais.proximity import generation
from relais.proximity.models import RoundOccurrence, StepRemark

from ..factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def categories(organisation):
    ensure_defaults(organisation)
    return {c.code: c for c in Category.objects.for_organisation(organisation)}


@pytest.fixture
def step(organisation, building, caretaker):
    from .conftest import make_round

    make_round(organisation, building)
    generation.generate_ahead(0)
    return RoundOccurrence.objects.get().steps.order_by("position").first()


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: metadata the re-encoding drops
    Image.new("RGB", (640, 480), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("serrure.jpg", buffer.getvalue(), content_type="image/jpeg")


def _remark(client, step, key, **data):
    return client.post(
        reverse("proximity:step_remark", args=[step.pk]),
        {"text": "Serrure de la porte du hall cassée", "key": key, **data},
    )


def test_a_remark_with_a_photo_becomes_a_common_area_request_once(
    caretaker, building, step, categories, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "relais.interventions.requests.services.enqueue", lambda *a, **k: queued.append(a)
    )
    client = _client(caretaker)
    with django_capture_on_commit_callbacks(execute=True):
        first = _remark(
            client, step, "k" * 16, category=categories["doors_locks"].pk, photo=_photo()
        )
        second = _remark(client, step, "k" * 16, category=categories["doors_locks"].pk)
    assert first.status_code == second.status_code == 302
    request = InterventionRequest.objects.get()
    assert (request.household, request.building, request.source) == (None, building, "round")
    assert request.category == categories["doors_locks"]
    assert request.created_by == caretaker
    remark = StepRemark.objects.get()
    assert remark.request == request and remark.step == step  # the manager still sees it
    photo = RequestPhoto.objects.get(request=request)
    with photo.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG" and not image.getexif()
    assert queued == []  # nobody to tell: no task queued for a tenant


def test_without_a_choice_the_request_is_filed_under_other(caretaker, step, organisation):
    response = _remark(_client(caretaker), step, "o" * 16)
    assert response.status_code == 302
    request = InterventionRequest.objects.get()
    assert request.category.code == "other" and request.category.organisation == organisation
    assert not request.photos.exists()


def test_a_category_of_another_organisation_is_refused(caretaker, step, other_organisation):
    ensure_defaults(other_organisation)
    foreign = Category.objects.for_organisation(other_organisation).get(code="lifts")
    response = _remark(_client(caretaker), step, "f" * 16, category=foreign.pk)
    assert response.status_code == 400  # shown at the step (a refused form is a 4xx)
    assert 'data-testid="remark-error"' in response.content.decode()
    assert not InterventionRequest.objects.exists() and not StepRemark.objects.exists()


def test_triage_list_and_request_page_show_the_building(
    organisation, caretaker, building, step, member_factory
):
    _remark(_client(caretaker), step, "t" * 16)
    request = InterventionRequest.objects.get()
    _user, technician = member_factory(Role.TECHNICIAN)
    listing = technician.get(reverse("interventions:request_list")).content.decode()
    assert "12 rue Nationale" in listing and "parties communes" in listing
    detail = technician.get(reverse("interventions:request_detail", args=[request.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200 and 'data-testid="common-area"' in page
    assert step.label.replace("'", "&#x27;") in page
    # The manager still sees the remark on the round, with its request's number.
    _manager_user, manager = member_factory(Role.MANAGER)
    supervision = manager.get(reverse("proximity:supervision")).content.decode()
    assert request.tracking_number in supervision


def test_moves_of_a_common_area_request_tell_no_tenant(
    organisation, caretaker, step, member_factory, monkeypatch
):
    told = []
    monkeypatch.setattr(
        "relais.interventions.notify.notify_household", lambda **kwargs: told.append(kwargs)
    )
    _remark(_client(caretaker), step, "m" * 16)
    request = InterventionRequest.objects.get()
    technician, _client_ = member_factory(Role.TECHNICIAN)
    moved = requests.request_move(request=request, actor=technician, status=RequestStatus.TRIAGED)
    assert moved.status == RequestStatus.TRIAGED
    assert tell_tenants.call(list(request.events.values_list("pk", flat=True))) == 0
    assert told == []


def test_the_contractor_link_gives_the_building_address(
    organisation,
    caretaker,
    building,
    step,
    categories,
    plumber,
    messages_sent,
    member_factory,
):
    _remark(_client(caretaker), step, "w" * 16, category=categories["water_leak"].pk)
    request = InterventionRequest.objects.get()
    technician, _staff = member_factory(Role.TECHNICIAN)
    requests.request_move(request=request, actor=technician, status=RequestStatus.TRIAGED)
    _work_order, token = work_orders.work_order_create(
        organisation=organisation, actor=technician, request=request, contractor=plumber
    )
    page = Client().get(reverse("interventions:contractor_link", kwargs={"token": token}))
    text = page.content.decode()
    assert page.status_code == 200 and "12 rue Nationale" in text and "Tenant" not in text


def test_an_urgent_common_area_request_alerts_the_buildings_agency(
    organisation, caretaker, building, step, categories
):
    agency = AgencyFactory(organisation=organisation, name="Agence Sud")
    building.residence.agency = agency
    building.residence.save(update_fields=["agency"])
    _remark(_client(caretaker), step, "u" * 16, category=categories["lifts"].pk)
    request = InterventionRequest.objects.select_related("building__residence").get()
    assert on_call._agency(request) == agency.pk
    assert request in on_call._to_alert(timezone.now())


def test_a_request_needs_a_household_or_a_building(organisation, categories):
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionRequest.objects.create(
            organisation=organisation,
            tracking_number="DI-2026-999999",
            category=categories["other"],
            description="Rien",
            source="round",
            priority="normal",
            reported_at=timezone.now(),
        )


def test_the_caretakers_form_offers_the_categories(caretaker, step, categories):
    page = _client(caretaker).get(reverse("proximity:today")).content.decode()
    assert f'value="{categories["lifts"].pk}"' in page and "<optgroup" in page


def test_other_problem_is_offered_once(caretaker, step, categories, organisation):
    page = _client(caretaker).get(reverse("proximity:today")).content.decode()
    assert page.count(">Autre problème<") == page.count('name="category"') > 0
    assert f'value="{categories["other"].pk}"' not in page
    from relais.proximity.forms import RemarkForm

    form = RemarkForm(organisation=organisation)
    labels = [str(label) for _value, label in form.fields["category"].choices]
    assert labels.count("Autre problème") == 1


def test_building_addresses_carry_the_communes_name(
    organisation, caretaker, building, step, member_factory
):
    town = building.commune.name
    page = _client(caretaker).get(reverse("proximity:today")).content.decode()
    assert f"12 rue Nationale, 37000 {town}" in page
    _remark(_client(caretaker), step, "a" * 16)
    _user, technician = member_factory(Role.TECHNICIAN)
    listing = technician.get(reverse("interventions:request_list")).content.decode()
    assert f"12 rue Nationale, 37000 {town}" in listing
