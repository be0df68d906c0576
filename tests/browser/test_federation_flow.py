"""In a real browser (issue 18, "Done when"): the analyst sees a member missing its weekly
report, sends a reminder; the member submits its figures by CSV; completeness turns green; the
analyst exports the week's CSV and the bulletin PDF (rendered with pdftoppm)."""

import os
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.core.models import Federation
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role
from relais.federation.indicators import services
from relais.federation.indicators.registry import Week
from relais.worksites.models import SiteStatus

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from ..worksites.factories import WorkSiteFactory
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(organisation, username, role, **names):
    user = UserFactory(username=username, email=f"{username}@example.org", **names)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_reminder_csv_submission_completeness_and_exports(new_page, tmp_path):
    shots = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    federation = Federation.objects.create(name="USH Centre-Val de Loire", slug="ush-cvl")
    tours = OrganisationFactory(name="Tours Habitat", slug="tours-habitat", federation=federation)
    scalis = OrganisationFactory(
        name="Scalis", slug="scalis", federation=federation, contact_email="contact@scalis.fr"
    )
    _user(tours, "federation", Role.FEDERATION_ANALYST, first_name="Bruno", last_name="Leclerc")
    _user(scalis, "scalis", Role.DIRECTOR, first_name="Marc", last_name="Lebrun")
    week = Week.of(timezone.localdate()).previous()
    for _ in range(6):
        WorkSiteFactory(organisation=tours, status=SiteStatus.STOPPED, stopped_on=week.start)
    services.refresh(weeks=[week])

    analyst = new_page()
    _login(analyst, "federation")
    expect(analyst.get_by_text("Membres sans remontée")).to_be_visible()
    analyst.goto(f"/federation/completude/?semaine={week.code}")
    row = analyst.get_by_test_id(f"member-{scalis.pk}")
    expect(row).to_have_attribute("data-status", "missing")
    row.get_by_role("button", name="Envoyer une relance").click()
    expect(analyst.get_by_text("Relance envoyée à Scalis.")).to_be_visible()
    assert OutboxMessage.objects.filter(organisation=scalis, to="scalis@example.org").exists()
    analyst.screenshot(path=str(shots / "federation-completeness.png"), full_page=True)

    member = new_page()
    _login(member, "scalis")
    member.goto("/federation/mes-indicateurs/saisie/")
    csv = tmp_path / "chiffres.csv"
    csv.write_text(
        f"week;indicator;value;base\n{week.code};rent.collection;96,4;812\n"
        f"{week.code};staff.on_site;41;41\n",
        encoding="utf-8",
    )
    member.locator("input[name=file]").set_input_files(str(csv))
    member.get_by_test_id("send-csv").click()
    expect(member.get_by_text("Chiffres reçus : merci.")).to_be_visible()
    expect(member.get_by_test_id("own")).to_contain_text("96,4")

    analyst.reload()
    expect(analyst.get_by_test_id(f"member-{scalis.pk}")).to_have_attribute(
        "data-status", "submitted"
    )
    analyst.goto(f"/federation/indicateurs/?semaine={week.code}")
    with analyst.expect_download() as download:
        analyst.get_by_test_id("export-csv").click()
    path = tmp_path / "week.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "Scalis" in text and "rent.collection,percent,96.4,false,submitted" in text
    with analyst.expect_download() as download:
        analyst.get_by_test_id("bulletin").click()
    pdf = shots / "bulletin.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(shots / "bulletin")], check=True)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Bulletin régional hebdomadaire" in words and "Scalis" in words
