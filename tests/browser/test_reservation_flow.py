"""A vacancy of the préfecture's flow, in real browsers: the officer sends the holder a link,
the préfecture (no account) designates three candidates through it, the officer puts them on
the commission's agenda, and the yearly balance counts the vacancy as assigned and designated.

Labels are looked up with ``tr`` (the French of an English msgid), as in the other flows.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from relais.allocation.models import Session, VacancyAssignment
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role

from ..allocation.factories import CommissionFactory, SessionFactory
from ..allocation.factories_reservations import agreement, holder, ready_vacancy
from ..allocation.factories_vacancies import applicant, ceilings
from ..factories import MembershipFactory, OrganisationFactory
from .crawl import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def _world():
    ceilings(timezone.localdate().year)
    landlord = OrganisationFactory(name="Tours Habitat")
    officer = MembershipFactory(organisation=landlord, role=Role.ALLOCATION_OFFICER).user
    prefecture = holder(email="ddets37@example.fr")
    agreement(landlord, prefecture, share=100, reference="CONV-PREF-37")
    vacancy = ready_vacancy(landlord, reference="T3-RESA-1")
    applicants = [applicant(landlord, applicant_last_name=f"Désigné{n}") for n in (1, 2, 3)]
    session = SessionFactory(
        commission=CommissionFactory(organisation=landlord, name="CALEOL Tours"),
        opens_at=timezone.now() + dt.timedelta(days=1),
    )
    return officer, vacancy.assignment, applicants, session


def test_three_designations_through_the_link_go_to_the_commission(new_page, live_server):
    officer, assignment, applicants, session = _world()
    page = new_page()
    log_in(page.context, live_server.url, officer)
    page.goto(reverse("allocation:assignment_detail", args=[assignment.pk]))
    expect(page.get_by_test_id("flow")).to_contain_text("CONV-PREF-37")
    page.get_by_role("button", name=tr("Send a new link to the holder")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    body = OutboxMessage.objects.filter(to="ddets37@example.fr").latest("pk").body
    link = re.search(r"(/attributions/designation/[^/\s]+/)", body).group(1)

    holder_page = new_page(width=390, height=844)  # the préfecture, on a phone, no account
    holder_page.goto(link)
    for index, application in enumerate(applicants, start=1):
        holder_page.locator(f'input[name="number_{index}"]').fill(application.registration_number)
    holder_page.get_by_role("button", name=tr("Record the designations")).click()
    designations = holder_page.get_by_test_id("designations")
    for application in applicants:
        expect(designations).to_contain_text(application.applicant_last_name)
    width = holder_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scroll on a phone"

    page.reload()
    page.get_by_label(re.compile(tr("Session"))).select_option(str(session.pk))
    page.get_by_role("button", name=tr("Put on the agenda")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    item = Session.objects.get(pk=session.pk).items.get()
    ranked = item.candidates.order_by("proposed_rank").values_list("application_id", flat=True)
    assert list(ranked) == [a.pk for a in applicants]
    assert VacancyAssignment.objects.get(pk=assignment.pk).designations.count() == 3

    page.goto(reverse("allocation:reservation_balance"))
    balance = page.get_by_test_id("balance")
    expect(balance.get_by_test_id("assigned")).to_have_text("1")
    expect(balance.get_by_test_id("designated")).to_have_text("1")
