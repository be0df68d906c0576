"""In a real browser: the director adopts the continuity plan, names the owner of the bins and
cleaning activity and activates the plan from the crisis page; three caretakers declare their
day on phones (390 × 844); the activity falls below its minimum staffing and its owner is
e-mailed and sees it on his home page; the director builds the situation report, whose PDF
shows the figures (read back with pdftotext).

Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from relais.continuity.models import StaffMember
from relais.core.roles import Role

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _shots(tmp_path) -> Path:
    where = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _member(organisation, username, first, last, role, **staff):
    user = UserFactory(username=username, first_name=first, last_name=last)
    membership = MembershipFactory(user=user, organisation=organisation, role=role)
    StaffMember.objects.create(organisation=organisation, membership=membership, **staff)
    return user


def _declare_on_phone(new_page, username, answer, shots):
    page = new_page(**PHONE)
    _login(page, username)
    page.get_by_role("link", name="Déclarer ma journée").first.click()
    expect(page.get_by_role("heading", name="Déclarer ma journée")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name=answer, exact=True).click()
    expect(page.get_by_test_id("declared")).to_contain_text(answer)
    page.screenshot(path=str(shots / f"continuity-declare-{username}.png"), full_page=True)
    page.context.close()


def test_plan_activated_staff_declare_owner_alerted_report_printed(new_page, tmp_path, smtp_server):
    shots = _shots(tmp_path)
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    _member(organisation, "claire", "Claire", "Moreau", Role.DIRECTOR)
    owner = _member(organisation, "karim", "Karim", "Benali", Role.MANAGER)
    for username, first, last in (
        ("thierry", "Thierry", "Roux"),
        ("lea", "Léa", "Petit"),
        ("marc", "Marc", "Bernard"),
    ):
        _member(organisation, username, first, last, Role.CARETAKER, manager=owner)

    # The director adopts the template and names the owner of bins and cleaning.
    page = new_page()
    _login(page, "claire")
    page.goto("/continuite/plan/")
    page.get_by_role("button", name="Adopter le modèle").click()
    page.get_by_role("link", name="Ordures ménagères et nettoyage").click()
    page.get_by_label("Responsable").select_option(label="Karim Benali")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("le plan a une nouvelle version")).to_be_visible()

    # … and activates the plan from the crisis page.
    page.goto("/crise/")
    expect(page.get_by_test_id("effects")).to_contain_text("Le plan de continuité s’applique")
    page.get_by_label("Crise", exact=True).check()
    page.get_by_label("Plan de continuité activé").check()
    page.get_by_role("button", name="Appliquer").click()
    page.goto("/continuite/decisions/")
    expect(page.get_by_test_id("decision-row")).to_contain_text("Plan de continuité activé.")
    expect(page.get_by_test_id("decision-row")).to_contain_text("Claire Moreau")

    # Three caretakers declare their day on their phones.
    _declare_on_phone(new_page, "thierry", "Sur site", shots)
    _declare_on_phone(new_page, "lea", "Malade", shots)
    _declare_on_phone(new_page, "marc", "Isolement", shots)

    # One caretaker on site of the two needed, nobody left to declare: the owner is alerted.
    alerts = [m for m in smtp_server.messages if m["To"] == "karim@example.org"]
    assert [m["Subject"].strip() for m in alerts] == [
        "Sous l’effectif minimum : Ordures ménagères et nettoyage"
    ]
    karim = new_page(**PHONE)
    _login(karim, "karim")
    below = karim.locator(".relais-work-card", has_text="sous l’effectif minimum")
    expect(below).to_contain_text("Ordures ménagères et nettoyage")
    team = karim.locator(".relais-work-card", has_text="journées non déclarées")
    expect(team).to_contain_text("Toute votre équipe a déclaré sa journée")
    karim.goto("/continuite/equipe/")
    expect(karim.get_by_test_id("team-status")).to_have_text(["Absent", "Absent", "Sur site"])
    assert karim.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    karim.screenshot(path=str(shots / "continuity-team-phone.png"), full_page=True)

    # The director builds the situation report; its PDF shows the figures.
    page.goto("/continuite/points/")
    page.get_by_role("button", name="Établir le point du jour maintenant").click()
    expect(page.get_by_test_id("figure-row").first).to_be_visible()
    page.screenshot(path=str(shots / "continuity-report.png"), full_page=True)
    pdf = page.context.request.get(page.url + "pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    (shots / "continuity-report.pdf").write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf.body(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    assert "Point de situation du" in flat
    assert re.search(r"Personnel sur site 1\b", flat), flat
    assert re.search(r"Personnel absent 2\b", flat), flat
    assert "Plan de continuité activé" in flat
    assert "Loyers encaissés Non utilisé" in flat or "Loyers encaissés non utilisé" in flat
    assert "Ordures ménagères et nettoyage" in flat  # below its minimum
    assert "Roux" not in flat and "Petit" not in flat  # figures only
    reports = [m for m in smtp_server.messages if m["To"] == "claire@example.org"]
    assert [m["Subject"].strip().startswith("Point de situation du") for m in reports] == [True]
