"""An application's life in the browser (issue 7 §3): the officer renews an application from
its page, signs the lease of an accepted offer, and reads the status history."""

import re

import pytest
from playwright.sync_api import expect

from relais.allocation.applications.lifecycle import plus_years
from relais.allocation.letters import services as letters
from relais.allocation.models import Application, Letter, LetterKind, OfferAnswer
from relais.core.roles import Role
from relais.housing.models import Lease

from ..allocation.factories import SessionFactory
from ..allocation.factories_letters import closed_session, send_all
from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from .test_offer_deadlines_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/relais-lifecycle"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_renew_sign_the_lease_and_read_the_history(new_page):
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    officer = UserFactory(username="agent", first_name="Inès", last_name="Martin")
    MembershipFactory(user=officer, organisation=organisation, role=Role.ALLOCATION_OFFICER)
    world = closed_session(organisation)
    for candidate in (world.first, world.second, world.conditional):
        Application.objects.filter(pk=candidate.application_id).update(status="proposed")
    letters.letters_after_close(world.session)
    send_all(world.session, actor=officer)  # the drafts reviewed and sent
    offer = Letter.objects.get(candidate=world.first, kind=LetterKind.OFFER)
    letters.offer_answer(letter=offer, actor=officer, answer=OfferAnswer.ACCEPTED)
    application = world.first.application

    page = new_page()
    _login(page, "agent")
    page.goto(f"/attributions/demandes/{application.pk}/")
    page.get_by_role("button", name="Renouveler pour un an").click()
    expect(page.get_by_text(re.compile("Demande renouvelée : valable jusqu'au"))).to_be_visible()
    application.refresh_from_db()
    assert application.expires_on == plus_years(application.renewed_on, 1)
    expect(page.get_by_test_id("history")).to_contain_text("Renouvelée")
    expect(page.get_by_test_id("history")).to_contain_text("Inès Martin")
    page.screenshot(path=f"{SHOTS}/application-1280.png", full_page=True)

    page.get_by_role("link", name="Signer le bail").click()
    page.get_by_label("Référence du bail").fill("BAIL-2026-0042")
    page.get_by_label("Date de début").fill("2026-12-15")
    page.get_by_label("Référence du nouveau ménage").fill("MEN-LEFEVRE")
    page.get_by_label("Prénom").fill("Léo")
    page.get_by_label("Date de naissance").fill("2015-05-04")
    page.screenshot(path=f"{SHOTS}/lease-1280.png", full_page=True)
    page.get_by_role("button", name="Signer le bail").click()
    expect(page.get_by_text("Bail BAIL-2026-0042 signé")).to_be_visible()
    expect(page.get_by_test_id("allocation")).to_contain_text("Le bail est signé")
    lease = Lease.objects.get(reference="BAIL-2026-0042")
    assert [o.first_name for o in lease.household.occupants.all()] == ["Joëlle", "Léo"]

    small = new_page(width=390, height=844)
    _login(small, "agent")
    small.goto(f"/attributions/demandes/{application.pk}/")
    expect(small.get_by_test_id("history")).to_contain_text("Bail signé")
    expect(small.get_by_test_id("status")).to_have_text("Radiée")
    _no_sideways_scroll(small)
    small.screenshot(path=f"{SHOTS}/application-390.png", full_page=True)
    draft = SessionFactory(commission=world.session.commission)
    for path, name in (
        ("/attributions/demandes/relances/", "reminders"),
        (f"/attributions/seances/{draft.pk}/ordre-du-jour/", "agenda-picker"),
        (f"/attributions/vacances/{world.item.vacancy_id}/", "vacancy"),
    ):
        small.goto(path)
        _no_sideways_scroll(small)
        small.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
