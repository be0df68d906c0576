"""The daily situation report: live figures of the capabilities in use, "not in use" for the
others, a PDF and an e-mail to each director (once a day)."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.continuity import report, services
from relais.continuity.models import SituationReport
from relais.core.models import Membership
from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, RequestSource
from relais.interventions.requests import services as requests

from ..allocation.factories_letters import closed_session
from ..factories import LeaseFactory, MembershipFactory, ResidenceFactory
from .factories import plan_with, staff


def _values(found) -> dict:
    return {row["key"]: row["value"] for row in found.figures}


def _urgent_request(organisation):
    ensure_defaults(organisation)
    category = Category.objects.get(organisation=organisation, code="fire_safety")
    lease = LeaseFactory(dwelling__building__residence=ResidenceFactory(organisation=organisation))
    requests.request_create(
        organisation=organisation,
        actor=None,
        source=RequestSource.WEB,
        data=requests.NewRequest(
            household=lease.household,
            lease=lease,
            dwelling=lease.dwelling,
            category=category,
            description="Alarme incendie",
        ),
    )


def test_capabilities_not_in_use_show_so_never_zero(organisation):
    found = services.report_build(organisation=organisation, day=timezone.localdate())
    values = _values(found)
    assert set(values.values()) == {None}
    for key in (
        "staff.on_site",
        "interventions.open_urgent",
        "allocation.sessions_held",
        "proximity.rounds_done",
    ):
        assert key in values
    for key in ("supplies.days_of_cover", "rent.collection_rate"):
        assert key in values  # expected from capabilities still to come


def test_live_figures_of_each_capability(organisation):
    day = timezone.localdate()
    plan_with(organisation, (Role.CARETAKER, 2))
    for last, status in (("A", "on_site"), ("B", "telework"), ("C", "sick"), ("D", None)):
        person = staff(organisation, Role.CARETAKER, last=last)
        if status:
            services.day_declare(
                organisation=organisation, actor=None, staff=person, day=day, status=status
            )
    _urgent_request(organisation)
    closed_session(organisation)
    values = _values(services.report_build(organisation=organisation, day=day))
    assert values["staff.on_site"] == 1
    assert values["staff.telework"] == 1
    assert values["staff.absent"] == 1
    assert values["staff.not_declared"] == 1
    assert values["interventions.open_urgent"] == 1
    assert values["interventions.sla"] is None  # no work order measured yet
    assert values["allocation.sessions_held"] == 1
    assert values["allocation.allocations"] == 1
    # The template's activities have nobody at all; ours has two of two caretakers available.
    assert values["continuity.below_minimum"] == 10


def test_a_figure_with_an_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        report.register_figure("x.y", "X", lambda o, d: 1, capability="x", unit="kg")


def test_the_report_is_printed_and_emailed_to_each_director_once(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    for name in ("claire", "marc"):
        MembershipFactory(organisation=organisation, role=Role.DIRECTOR, user__username=name)
    MembershipFactory(organisation=organisation, role=Role.MANAGER, user__username="karim")
    person = staff(organisation, Role.CARETAKER)
    day = timezone.localdate()
    services.day_declare(
        organisation=organisation, actor=None, staff=person, day=day, status="on_site"
    )
    for _attempt in range(2):  # built twice the same day: e-mailed once
        with django_capture_on_commit_callbacks(execute=True):
            found = services.report_build(organisation=organisation, day=day)
    assert SituationReport.objects.count() == 1
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "claire@example.org",
        "marc@example.org",
    ]
    body = smtp_server.messages[0].get_payload()[0].get_payload(decode=True).decode()
    assert "Personnel sur site : 1" in body
    assert "Loyers encaissés : non utilisé" in body
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=bytes(found.pdf), capture_output=True, check=True
    ).stdout.decode()
    assert "Point de situation du" in text
    assert "Personnel sur site" in text
    assert "Non utilisé" in text or "non utilisé" in text
    assert "Anne" not in text and "Durand" not in text  # figures only, no names
    director = Membership.objects.get(user__username="claire").user
    client = Client()
    client.force_login(director)
    page = client.get(reverse("continuity:report_detail", args=[found.pk])).content.decode()
    assert "envoyé à 2 directeurs." in page


def test_the_morning_task_builds_each_report_once(organisation, settings):
    from relais.continuity import tasks

    services.plan_adopt(organisation=organisation, actor=None)
    morning = timezone.localtime().replace(hour=10)
    early = morning.replace(hour=6)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localtime", lambda *a: early if not a else a[0])
        assert tasks.continuity_morning.call() == 0
        patch.setattr(timezone, "localtime", lambda *a: morning if not a else a[0])
        assert tasks.continuity_morning.call() == 1
        assert tasks.continuity_morning.call() == 0
    assert SituationReport.objects.filter(day=morning.date()).count() == 1
