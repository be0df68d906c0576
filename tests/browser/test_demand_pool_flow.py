"""The shared demand pool in the browser (issue 17, ADR 0046): Val Touraine Habitat's officer
finds an applicant registered by Tours Habitat among the candidates for its flat in Tours and
puts them on its commission's agenda; the Tours Habitat officer then reads "proposed by Val
Touraine Habitat" on the file."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from relais.allocation.models import AgendaItem, Application
from relais.core.roles import Role

from ..allocation.factories import SessionFactory
from ..allocation.factories_vacancies import applicant, ceilings, vacancy
from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from .test_offer_deadlines_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/relais-demand-pool"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_val_touraine_proposes_an_applicant_of_tours_habitat(new_page):
    tours = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    val = OrganisationFactory(name="Val Touraine Habitat", slug="val-touraine-habitat")
    for username, organisation in (("agent-tours", tours), ("agent-val", val)):
        user = UserFactory(username=username)
        MembershipFactory(user=user, organisation=organisation, role=Role.ALLOCATION_OFFICER)
    ceilings(dt.date.today().year)
    flat = vacancy(val)  # a T3 in Tours
    theirs = applicant(
        tours, score=95, registration_number="0372026009001", applicant_last_name="Moreau"
    )
    ours = [applicant(val, score=score) for score in (60, 40)]
    session = SessionFactory(commission__organisation=val)

    page = new_page()
    _login(page, "agent-val")
    page.goto(reverse("allocation:vacancy_candidates", args=[flat.pk]))
    candidates = page.get_by_test_id("candidates")
    expect(candidates).to_contain_text("0372026009001")
    expect(candidates.get_by_test_id("registered-by")).to_contain_text(
        "Enregistrée par Tours Habitat"
    )
    for rank, application in enumerate([theirs, *ours], start=1):
        page.locator(f"#pick-{application.pk}").check()
        page.locator(f"#rank-{application.pk}").fill(str(rank))
    page.locator("select[name=session]").select_option(str(session.pk))
    page.screenshot(path=f"{SHOTS}/candidates-1280.png", full_page=True)
    candidates.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/seances/{session.pk}/"))
    item = AgendaItem.objects.get(session=session)
    assert item.candidates.filter(application=theirs).exists()
    assert Application.objects.get(pk=theirs.pk).status == "proposed"

    # The file can be read by Val Touraine Habitat, not edited.
    page.goto(reverse("allocation:application_detail", args=[theirs.pk]))
    expect(page.get_by_test_id("registered-by")).to_contain_text("Tours Habitat tient ce dossier")
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)

    home = new_page(width=390, height=844)
    _login(home, "agent-tours")
    home.goto(reverse("allocation:application_detail", args=[theirs.pk]))
    proposals = home.get_by_test_id("proposals-elsewhere")
    expect(proposals).to_contain_text("Proposé par Val Touraine Habitat pour un T3 à Tours")
    expect(proposals).to_contain_text("commission du")
    _no_sideways_scroll(home)
    home.screenshot(path=f"{SHOTS}/file-390.png", full_page=True)
