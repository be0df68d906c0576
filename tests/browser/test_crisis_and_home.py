"""In a real browser: the director closes public reception and the public agencies page shows
every agency closed under the crisis notice; reopening brings each agency's status back. Then
each role's home page at 1280 and 390 px wide, without sideways scrolling.

Screenshots go to ``$RELAIS_SCREENSHOTS`` when set (to look at them), else to a temp dir.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role

from ..allocation.factories import SessionFactory, VacancyFactory
from ..allocation.factories_commissions import board
from ..allocation.factories_letters import closed_session
from ..factories import AgencyFactory, MembershipFactory, OrganisationFactory, UserFactory
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = {
    Role.DIRECTOR: ("Claire", "Moreau"),
    Role.MANAGER: ("Karim", "Benali"),
    Role.ALLOCATION_OFFICER: ("Sophie", "Lambert"),
    Role.CUSTOMER_OFFICER: ("Nadia", "Girard"),
    Role.CARETAKER: ("Thierry", "Roux"),
    Role.TECHNICIAN: ("Julien", "Fabre"),
    Role.ACCOUNTANT: ("Isabelle", "Perrin"),
    Role.OUTREACH_CALLER: ("Léa", "Marchand"),
    Role.READ_ONLY: ("Paul", "Renard"),
    Role.COMMISSION_MEMBER: ("Michel", "Dupont"),
    Role.SOCIAL_PARTNER: ("Aurélie", "Martin"),
    Role.FEDERATION_ANALYST: ("Bruno", "Leclerc"),
}


def _shots(tmp_path) -> Path:
    where = Path(os.environ.get("RELAIS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def _member(organisation, role):
    first, last = NAMES[role]
    user = UserFactory(username=role.value, first_name=first, last_name=last)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _public_statuses(page, slug):
    page.goto(f"/o/{slug}/agences/")
    return page.get_by_test_id("agency-status").all_inner_texts()


def test_crisis_on_closes_every_agency_on_the_public_page_and_off_restores(new_page, tmp_path):
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    AgencyFactory(organisation=organisation, name="Agence Centre", public_status="open")
    AgencyFactory(organisation=organisation, name="Agence Nord", public_status="appointment")
    _member(organisation, Role.DIRECTOR)
    shots = _shots(tmp_path)

    director = new_page()
    _login(director, Role.DIRECTOR.value)
    expect(director.get_by_role("button", name="Claire Moreau")).to_be_visible()
    director.goto("/crise/avis/")
    director.get_by_label(re.compile(r"^Message")).fill("Nos agences sont fermées. Appelez-nous.")
    director.get_by_label("Numéros de téléphone et leurs horaires").fill(
        "02 47 60 00 00 | du lundi au vendredi, de 9 h à 17 h"
    )
    emergency = director.get_by_label(re.compile(r"^Numéro d’astreinte pour les urgences"))
    emergency.fill("06 12 34 56 78")
    director.get_by_role("button", name="Enregistrer").click()
    expect(director.get_by_text("L’avis de crise au public est enregistré.")).to_be_visible()

    public = new_page(width=390, height=844)
    assert _public_statuses(public, "tours-habitat") == [
        "Ouverte au public",
        "Sur rendez-vous uniquement",
    ]
    expect(public.get_by_test_id("crisis-notice")).to_have_count(0)

    director.goto("/crise/")
    director.get_by_label("Crise", exact=True).check()
    expect(director.get_by_label("Accueil du public fermé")).to_be_checked()
    director.get_by_role("button", name="Appliquer").click()
    expect(director.get_by_test_id("crisis-banner")).to_be_visible()

    assert _public_statuses(public, "tours-habitat") == ["Fermée", "Fermée"]
    notice = public.get_by_test_id("crisis-notice")
    expect(notice).to_contain_text("Nos agences sont fermées. Appelez-nous.")
    expect(notice.get_by_role("link", name="06 12 34 56 78")).to_have_attribute(
        "href", "tel:0612345678"
    )
    expect(notice).to_contain_text(re.compile(r"Dernière mise à jour le"))
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    public.screenshot(path=str(shots / "public-crisis-390.png"), full_page=True)

    # A skeleton reception: one agency opened during the closure.
    director.goto("/agences/")
    director.get_by_test_id("agency-row").filter(has_text="Agence Nord").get_by_role(
        "button", name="Ouvrir pendant la fermeture"
    ).click()
    assert _public_statuses(public, "tours-habitat") == ["Fermée", "Sur rendez-vous uniquement"]
    for path, name in (
        ("/agences/", "agencies"),
        ("/crise/", "crisis"),
        ("/crise/avis/", "notice"),
    ):
        director.goto(path)
        director.screenshot(path=str(shots / f"{name}-closed-1280.png"), full_page=True)

    director.goto("/crise/")
    director.get_by_label("Fonctionnement normal", exact=True).check()
    director.get_by_role("button", name="Appliquer").click()
    expect(director.get_by_test_id("crisis-banner")).to_have_count(0)
    assert _public_statuses(public, "tours-habitat") == [
        "Ouverte au public",
        "Sur rendez-vous uniquement",
    ]
    expect(public.get_by_test_id("crisis-notice")).to_have_count(0)


def _busy_organisation():
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    organisation.contact_name = "Service des relations partenaires"
    organisation.contact_email = "partenaires@tours-habitat.example"
    organisation.save()
    for name in ("Agence Centre", "Agence Nord", "Agence Sud"):
        AgencyFactory(organisation=organisation, name=name)
    for _ in range(3):
        VacancyFactory(dwelling__building__residence__organisation=organisation)
    SessionFactory(commission__organisation=organisation, status="draft")
    closed_session(organisation)
    seated = board(organisation, items=2, mark="Loches")
    return organisation, seated


def test_each_roles_home_at_1280_and_390(new_page, tmp_path):
    organisation, seated = _busy_organisation()
    shots = _shots(tmp_path)
    users = {role: _member(organisation, role) for role in NAMES}
    # The commission member sits on the open session's commission.
    seated.tenant.user = users[Role.COMMISSION_MEMBER]
    seated.tenant.save()
    for role in NAMES:
        for width in (1280, 390):
            page = new_page(width=width, height=900 if width > 400 else 844)
            _login(page, role.value)
            page.goto("/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Tours Habitat")
            first, last = NAMES[role]
            expect(page.get_by_text(f"{first} {last}, ").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, role
            page.screenshot(path=str(shots / f"home-{role.value}-{width}.png"), full_page=True)
            page.close()
