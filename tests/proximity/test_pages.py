"""The rounds' pages: the caretaker's ticks and remarks, the manager's supervision, the
notice PDF, the public building page, coverage and its export, the home cards."""

import datetime as dt
import html
import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from relais.core.roles import Role
from relais.proximity import generation, notice, services
from relais.proximity.models import BuildingCaretaker, RoundOccurrence, RoundStep, StepRemark

from ..factories import MembershipFactory
from .conftest import make_round

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today_round(organisation, building, caretaker):
    make_round(organisation, building)
    generation.generate_ahead(0)
    return RoundOccurrence.objects.get()


def test_the_caretaker_ticks_a_step_twice_and_it_is_recorded_once(caretaker, today_round):
    client = _client(caretaker)
    page = client.get(reverse("proximity:today"))
    assert "Poignées de la porte d&#x27;entrée" in page.content.decode()
    step = today_round.steps.order_by("position").first()
    url = reverse("proximity:step_tick", args=[step.pk])
    data = {"key": "a1b2c3d4e5f6", "done_at": ""}
    first = client.post(url, data, headers={"accept": "application/json"})
    second = client.post(url, data, headers={"accept": "application/json"})
    assert first.json()["recorded"] is True and second.json()["recorded"] is False
    assert RoundStep.objects.filter(done_at__isnull=False).count() == 1
    # Without the script, the form redirects to the checklist.
    other = today_round.steps.order_by("position")[1]
    response = client.post(reverse("proximity:step_tick", args=[other.pk]), {"key": "x" * 12})
    assert response.status_code == 302


def test_a_step_of_someone_else_is_not_found(organisation, caretaker, today_round):
    colleague = MembershipFactory(organisation=organisation, role=Role.CARETAKER).user
    step = today_round.steps.first()
    response = _client(colleague).post(
        reverse("proximity:step_tick", args=[step.pk]), {"key": "k" * 12}
    )
    assert response.status_code == 404
    assert not RoundStep.objects.filter(done_at__isnull=False).exists()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_remark_with_a_photo_reaches_the_manager(organisation, caretaker, today_round):
    from django.core.files.uploadedfile import SimpleUploadedFile

    step = today_round.steps.first()
    url = reverse("proximity:step_remark", args=[step.pk])
    client = _client(caretaker)
    bad = SimpleUploadedFile("lock.png", b"not an image", content_type="image/png")
    client.post(url, {"text": "Serrure cassée", "key": "r" * 12, "photo": bad})
    assert not StepRemark.objects.exists()
    photo = SimpleUploadedFile("lock.png", _png(), content_type="image/png")
    client.post(url, {"text": "Serrure cassée", "key": "r" * 12, "photo": photo})
    client.post(url, {"text": "Serrure cassée", "key": "r" * 12})  # sent twice
    remark = StepRemark.objects.get()
    assert remark.photo.name.endswith(".jpg")
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    manager_client = _client(manager)
    page = manager_client.get(reverse("proximity:supervision")).content.decode()
    assert "Serrure cassée" in page and "12 rue Nationale" in page
    photo_response = manager_client.get(reverse("proximity:remark_photo", args=[remark.pk]))
    assert photo_response.status_code == 200 and photo_response["Content-Type"] == "image/jpeg"
    assert b"".join(photo_response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    # The file only: closing the response would fire request_finished, which closes the
    # database connection (on PostgreSQL, the test's own).
    for closer in photo_response._resource_closers:
        closer()
    manager_client.post(reverse("proximity:remark_handled", args=[remark.pk]))
    assert StepRemark.objects.get().handled_by == manager


def _done(organisation, caretaker, occurrence):
    for index, step in enumerate(occurrence.steps.all()):
        services.step_tick(
            organisation=organisation,
            actor=caretaker,
            step_id=step.pk,
            client_key=f"done-{index:04d}",
        )
    occurrence.refresh_from_db()
    return occurrence


def test_the_public_page_shows_the_last_disinfection_and_no_person(
    organisation, building, caretaker, today_round
):
    occurrence = _done(organisation, caretaker, today_round)
    url = reverse(
        "proximity:public_building",
        kwargs={"slug": organisation.slug, "token": notice.public_token(building)},
    )
    page = Client().get(url).content.decode()
    local = timezone.localtime(occurrence.completed_at)
    assert "12 rue Nationale" in page and f"{local:%H:%M}" in page
    assert "Roux" not in page and "Thierry" not in page
    forged = reverse(
        "proximity:public_building", kwargs={"slug": organisation.slug, "token": f"{building.pk}.x"}
    )
    assert Client().get(forged).status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_the_notice_pdf_prints_the_time(organisation, building, caretaker, today_round, tmp_path):
    occurrence = _done(organisation, caretaker, today_round)
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    response = _client(manager).get(reverse("proximity:notice_pdf", args=[building.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    local = timezone.localtime(occurrence.completed_at)
    assert "désinfectées pour la dernière fois" in text
    assert f"{local:%H} h {local:%M}" in text


def test_coverage_page_export_and_home_cards(organisation, building, caretaker, today_round):
    services.mark_missed(today_round.due_at + timezone.timedelta(minutes=1))
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    client = _client(manager)
    page = client.get(reverse("proximity:coverage")).content.decode()
    assert "0 passages done of 1 planned; 1 missed." in page or "0 passage" in page
    assert "Thierry Roux" in page  # per caretaker, by name
    export = client.get(reverse("proximity:coverage_csv"))
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[1].endswith(";12 rue Nationale;1;0;1")
    home = client.get(reverse("core:home")).content.decode()
    assert "12 rue Nationale" in home  # the missed round, on the manager's home
    caretaker_home = _client(caretaker).get(reverse("core:home")).content.decode()
    assert "12 rue Nationale" in caretaker_home


def test_the_manager_plans_a_round_sets_the_caretaker_and_a_replacement(
    organisation, building, caretaker
):
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    client = _client(manager)
    url = reverse("proximity:round_create", args=[building.pk])
    form = {
        "kind": "disinfection",
        "name": "Désinfection du hall",
        "first_start": "08:30",
        "passages": "9",
        "interval_minutes": "240",
        "window_minutes": "120",
        "crisis_passages": "",
        "days": ["1", "2", "4"],
        "crisis_days": ["1", "2", "4", "8"],
        "steps": "Poignées\n\nInterphone\n",
    }
    refused = client.post(url, form)
    assert (
        refused.status_code == 400 and "Entre 1 et 8 passages par jour" in refused.content.decode()
    )
    assert client.post(url, {**form, "passages": "2"}).status_code == 302
    template = building.round_templates.get()
    assert (template.weekdays, template.crisis_weekdays, template.passages) == (7, 15, 2)
    assert list(template.steps.values_list("label", flat=True)) == ["Poignées", "Interphone"]
    stand_in = MembershipFactory(
        organisation=organisation, role=Role.CARETAKER, user__last_name="Petit"
    ).user
    client.post(reverse("proximity:caretaker_set", args=[building.pk]), {"caretaker": stand_in.pk})
    building.refresh_from_db()
    assert BuildingCaretaker.objects.get(building=building).caretaker == stand_in
    today = timezone.localdate()
    bad = client.post(
        reverse("proximity:replacement_list"),
        {"absent": stand_in.pk, "replacement": stand_in.pk, "starts_on": today, "ends_on": today},
    )
    assert bad.status_code == 400
    client.post(
        reverse("proximity:replacement_list"),
        {"absent": stand_in.pk, "replacement": caretaker.pk, "starts_on": today, "ends_on": today},
    )
    generation.generate_ahead(0)
    assert set(RoundOccurrence.objects.values_list("assignee", flat=True)) <= {caretaker.pk}
    page = client.get(reverse("proximity:building", args=[building.pk])).content.decode()
    assert "Désinfection du hall" in page and "Petit" in page


def test_coverage_covers_the_crisis_so_far_by_default(organisation, caretaker):
    from relais.core.models import CrisisMode, CrisisModeChange

    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    change = CrisisModeChange.objects.create(organisation=organisation, mode=CrisisMode.CRISIS)
    # At noon, Paris time: 40 days before 23:30 in December is 00:30 the next day in summer
    # time (CI once ran at 22:30 UTC).
    began = timezone.localdate() - timezone.timedelta(days=40)
    noon = timezone.make_aware(dt.datetime.combine(began, dt.time(12)))
    CrisisModeChange.objects.filter(pk=change.pk).update(changed_at=noon)
    response = _client(manager).get(reverse("proximity:coverage"))
    assert response.context["start"] == began


def test_the_manager_is_told_of_passages_left_with_nobody(organisation, building, caretaker):
    """The caretaker (no usual replacement) declared sick tomorrow: the manager's coverage
    card and the supervision page say how many passages have nobody, with the link to record
    a replacement; once recorded, the line goes."""
    from relais.continuity import services as continuity
    from relais.continuity.models import StaffMember
    from relais.core.models import Membership
    from relais.proximity.models import Replacement

    make_round(organisation, building, passages=2, interval_minutes=240, window_minutes=120)
    generation.generate_ahead(1)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    sick = StaffMember.objects.create(
        organisation=organisation,
        membership=Membership.objects.get(user=caretaker, organisation=organisation),
    )
    continuity.day_declare(
        organisation=organisation, actor=None, staff=sick, day=tomorrow, status="sick"
    )
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    client = _client(manager)
    link = reverse("proximity:replacement_list")
    home = client.get(reverse("core:home")).content.decode()
    assert "2 passages sans gardien demain" in home
    assert f'href="{link}"' in home
    page = client.get(reverse("proximity:supervision")).content.decode()
    assert "2 passages sans gardien demain" in page
    services.replacement_create(
        organisation=organisation,
        actor=None,
        replacement=Replacement(
            absent=caretaker, replacement=manager, starts_on=tomorrow, ends_on=tomorrow
        ),
    )
    assert "sans gardien" not in client.get(reverse("core:home")).content.decode()


def test_the_coverage_card_shows_its_empty_state_only_when_nothing_is_planned(
    organisation, building, caretaker
):
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    client = _client(manager)
    empty = "Dès que des tournées sont planifiées"
    assert empty in client.get(reverse("core:home")).content.decode()
    make_round(organisation, building)
    generation.generate_ahead(0)
    home = client.get(reverse("core:home")).content.decode()
    assert empty not in home
    assert "0 passage" in home


def test_a_passage_past_its_end_time_is_missed_before_the_task_runs(
    organisation, building, caretaker, today_round
):
    """The periodic task has not run: a passage still planned past its end time counts as
    missed on the manager's cards, the supervision page and the caretaker's list."""
    past = timezone.now() - timezone.timedelta(minutes=5)
    RoundOccurrence.objects.filter(pk=today_round.pk).update(
        starts_at=past - timezone.timedelta(hours=1), due_at=past
    )
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    client = _client(manager)
    response = client.get(reverse("core:home"))
    cards = {card.key: card for card in response.context["cards"]}
    assert cards["proximity.missed"].count == 1
    assert "(1 manqué" in response.content.decode()
    page = client.get(reverse("proximity:supervision"))
    assert list(page.context["missed"]) == [today_round]
    mine = _client(caretaker).get(reverse("proximity:today")).content.decode()
    assert "text-bg-danger" in mine
    later = timezone.now() + timezone.timedelta(hours=1)
    RoundOccurrence.objects.filter(pk=today_round.pk).update(due_at=later)
    mine = _client(caretaker).get(reverse("proximity:today")).content.decode()
    assert "text-bg-danger" not in mine


def test_the_figures_agree_in_number_in_french(organisation, building, caretaker, today_round):
    """No « (s) »: each number takes its own plural (0 and 1 singular in French)."""
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    late = timezone.now() - timezone.timedelta(minutes=1)
    RoundOccurrence.objects.filter(pk=today_round.pk).update(due_at=late)
    home = html.unescape(_client(manager).get(reverse("core:home")).content.decode())
    assert "0 passage fait sur 1 prévu aujourd'hui (1 manqué)." in home
    coverage = _client(manager).get(reverse("proximity:coverage")).content.decode()
    assert "0 passage fait sur 1 prévu (1 manqué)." in coverage
    mine = _client(caretaker).get(reverse("core:home")).content.decode()
    assert "7 étapes restantes sur 7" in mine
    BuildingCaretaker.objects.all().delete()
    RoundOccurrence.objects.update(assignee=None)
    page = html.unescape(_client(manager).get(reverse("proximity:supervision")).content.decode())
    assert "sans gardien" in page
    for text in (home, coverage, mine, page):
        assert "(s)" not in text and "personne d'affecté" not in text


def test_an_empty_remark_is_refused_next_to_its_step(caretaker, today_round):
    """The error is shown next to that step's remark field, naming the step, the box open;
    the form posts to ``…#step-<id>`` so the page comes back at that step; nothing sent."""
    steps = list(today_round.steps.order_by("position"))
    step = steps[3]
    response = _client(caretaker).post(
        reverse("proximity:step_remark", args=[step.pk]), {"text": "  ", "key": "r" * 20}
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    action = reverse("proximity:step_remark", args=[step.pk])
    assert f'action="{action}#step-{step.pk}"' in page
    item = page[page.index(f'id="step-{step.pk}"') :]
    item = item[: item.index("</li>")]
    assert f"Remarque sur « {step.label} » : " in item or f"Remarque sur “{step.label}”" in item
    assert 'data-testid="remark-error"' in item
    assert 'relais-step-remark" open>' in item
    assert 'data-testid="remark-error"' not in page.replace(item, "")
    assert StepRemark.objects.count() == 0
