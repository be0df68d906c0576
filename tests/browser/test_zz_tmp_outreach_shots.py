"""TEMPORARY (not committed): screenshots of the call list and screen at 390 px."""

import pytest

from relais.outreach import services
from relais.outreach.models import Follow, Need

from ..factories import OrganisationFactory
from ..outreach.fixtures import caller, campaign, ccas, move_into_calling_hours, person
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(new_page, monkeypatch):
    move_into_calling_hours(monkeypatch)
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    madeleine = person(organisation, name="Fernandez")
    person(organisation, name="Absente")
    person(organisation, name="Fait")
    ccas(organisation, madeleine)
    campaign(organisation, name="Canicule août", cadence=2)
    campaign(organisation, name="Confinement", cadence=7)
    campaign(organisation, name="Grand froid", cadence=3)
    lea = caller(organisation, "lea", first_name="Léa")
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    for name, outcome in (("Absente", "no_answer"), ("Fait", "fine")):
        follow = Follow.objects.filter(entry__occupant__last_name=name).order_by("pk").first()
        services.call_record(
            organisation=organisation, actor=None, membership=lea, follow=follow, outcome=outcome
        )
    follow = Follow.objects.filter(entry=madeleine).order_by("pk").first()
    Need.objects.create(organisation=organisation, follow=follow, kind="groceries", note="Lait")
    page = new_page(390, 844)
    _login(page, "lea")
    page.goto("/suivi/appels/")
    page.screenshot(path="/tmp/oc-shots/today.png", full_page=True)
    print("today scrollWidth", page.evaluate("document.documentElement.scrollWidth"))
    page.get_by_role("link", name="Appeler").click()
    page.screenshot(path="/tmp/oc-shots/call.png", full_page=True)
    print("call scrollWidth", page.evaluate("document.documentElement.scrollWidth"))
    page.goto("/suivi/appels/")
    page.get_by_role("link", name="Jeanne Absente").click()
    page.screenshot(path="/tmp/oc-shots/call-retry.png", full_page=True)
    page.goto("/suivi/appels/")
    page.get_by_role("link", name="Jeanne Fernandez").click()
    page.get_by_label("Joint(e), va bien").check()
    page.get_by_label("Courses").check()
    page.get_by_role("button", name="Enregistrer l’appel").click()
    page.screenshot(path="/tmp/oc-shots/call-error.png", full_page=True)
