"""In a real browser (issue 16, "Done when"): the crisis switch stops a running site; its last
measure is completed with a photo; the director signs the restart; a worker's gate
self-check is recorded from a phone (390 × 844) and shows in the site's gate log."""

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.worksites import services

from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from ..worksites.factories import SiteCompanyFactory, WorkSiteFactory
from ..worksites.test_restart import pdf, png
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path) -> Path:
    where = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def test_stop_protocol_sign_restart_and_gate_self_check(new_page, tmp_path):
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    for username, first, last, role in (
        ("directrice", "Claire", "Moreau", Role.DIRECTOR),
        ("technicien", "Julien", "Fabre", Role.TECHNICIAN),
    ):
        user = UserFactory(username=username, first_name=first, last_name=last)
        MembershipFactory(user=user, organisation=organisation, role=role)
    site = WorkSiteFactory(organisation=organisation, name="Réhabilitation Sanitas")
    SiteCompanyFactory(site=site, name="Maçonnerie Berry")
    shots = _shots(tmp_path)

    director = new_page()
    _login(director, "directrice")
    director.goto("/crise/")
    director.get_by_label("Crise", exact=True).check()
    expect(director.get_by_label("chantiers arrêtés")).to_be_checked()
    director.get_by_role("button", name="Appliquer").click()
    expect(director.get_by_test_id("crisis-banner")).to_be_visible()
    director.goto(f"/chantiers/{site.pk}/")
    expect(director.get_by_test_id("site-summary")).to_contain_text("Arrêté")
    # Meanwhile the team does every mandatory measure but barrier gestures (a photo).
    for item in site.checklist.filter(mandatory=True, order__gt=1):
        upload = {"photo": png(), "document": pdf()}.get(item.evidence_kind)
        services.checklist_answer(
            actor=None, item=item, done_on=timezone.localdate(), note="", upload=upload
        )

    director.get_by_role("button", name="Signer la reprise").click()
    expect(director.locator(".relais-messages")).to_contain_text("encore ouverte")
    expect(director.get_by_test_id("site-summary")).to_contain_text("Arrêté")

    technician = new_page()
    _login(technician, "technicien")
    technician.goto(f"/chantiers/{site.pk}/")
    measure = technician.get_by_test_id("measure-1")
    photo = tmp_path / "barrieres.png"
    Image.new("RGB", (64, 48), "orange").save(photo)
    measure.get_by_label("preuve").set_input_files(str(photo))
    measure.get_by_role("button", name="Marquer comme faite").click()
    expect(technician.get_by_test_id("measure-1")).to_contain_text("faite le")
    expect(technician.get_by_test_id("open-count")).to_contain_text("0 mesure obligatoire")
    technician.get_by_role("button", name="Imprimer une nouvelle affiche d’entrée").click()
    gate_url = technician.get_by_test_id("gate-url").inner_text()
    technician.screenshot(path=str(shots / "gate-poster-1280.png"), full_page=True)

    director.reload()
    director.get_by_role("button", name="Signer la reprise").click()
    expect(director.get_by_test_id("site-summary")).to_contain_text("Repris")
    expect(director.get_by_test_id("restarted-on")).to_contain_text("signée par Claire Moreau")
    director.screenshot(path=str(shots / "site-restarted-1280.png"), full_page=True)

    worker = new_page(width=390, height=844)
    worker.goto(re.sub(r"^https?://[^/]+", "", gate_url))
    worker.get_by_label(re.compile("^Vos prénom et nom")).fill("Ali Benali")
    worker.get_by_role("combobox", name=re.compile("^Votre entreprise")).select_option(
        label="Maçonnerie Berry"
    )
    worker.get_by_label("Non, aucun").check()
    worker.get_by_role("button", name="Envoyer").click()
    expect(worker.get_by_test_id("admitted")).to_contain_text("Ali Benali")
    expect(worker.get_by_test_id("gate-result")).to_contain_text("Julie Martin")
    assert worker.evaluate("document.documentElement.scrollWidth") <= 390
    worker.screenshot(path=str(shots / "gate-admitted-390.png"), full_page=True)

    technician.goto(f"/chantiers/{site.pk}/acces/")
    expect(technician.get_by_test_id("gate-log")).to_contain_text("Ali Benali")
    expect(technician.get_by_test_id("gate-counts")).to_contain_text("1 personne admise")
