"""Rent in the browser: the month's run with its progress bar and totals; a camt.053
statement with one unmatched line matched by hand; a payment plan with a missed instalment."""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.rent.collection import plans_follow_up
from relais.rent.models import RentCall, RentRun
from relais.rent.rules import add_months
from relais.rent.run import rent_run_execute

from ..factories import AgencyFactory, BuildingFactory, LeaseFactory, MembershipFactory
from ..rent.bank import camt053
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("RELAIS_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _world():
    membership = MembershipFactory(role=Role.ACCOUNTANT, user__username="compta")
    organisation = membership.organisation
    agency = AgencyFactory(organisation=organisation, name="Agence Tours-Nord")
    building = BuildingFactory(
        residence__organisation=organisation,
        residence__agency=agency,
        residence__name="Les Tilleuls",
    )
    month = timezone.localdate().replace(day=1)
    leases = {
        ref: LeaseFactory(
            dwelling__building=building,
            reference=ref,
            start_date=start,
            household__name=name,
            rent_cents=45_000,
            charges_cents=8_000,
            housing_benefit_cents=20_000,
        )
        for ref, start, name in [
            ("BAIL-A", dt.date(2020, 1, 1), "Famille Martin"),
            ("BAIL-B", month.replace(day=16), "Famille Bernard"),
            ("BAIL-C", dt.date(2019, 5, 1), "Famille Durand"),
        ]
    }
    return organisation, leases, month


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_the_months_run_with_progress_and_totals(new_page, settings, width):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _organisation, _leases, month = _world()
    page = new_page(width=width)
    _login(page, "compta")
    page.goto("/loyers/quittancement/")
    page.locator("#id_month").select_option(month.isoformat())
    page.get_by_role("button", name="Prévisualiser").click()
    preview = page.get_by_test_id("preview")
    expect(preview.get_by_test_id("totals-agency")).to_contain_text("Agence Tours-Nord")
    expect(preview.get_by_test_id("totals-residence")).to_contain_text("Les Tilleuls")
    expect(page.get_by_test_id("preview-total")).to_contain_text("3 baux")
    _no_sideways_scroll(page, width)
    page.get_by_role("button", name="Lancer le quittancement du mois").click()
    expect(page.get_by_test_id("run-progress")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    _shot(page, f"rent-run-progress-{width}")
    # The worker's part (the test queue only stores the task): htmx polls until it is done.
    rent_run_execute(RentRun.objects.get().pk)
    expect(page.get_by_test_id("run-done")).to_contain_text("3 appels de loyer émis")
    expect(page.get_by_test_id("totals-agency")).to_contain_text("Agence Tours-Nord")
    expect(page.get_by_role("link", name="Télécharger les avis (ZIP)")).to_be_visible()
    _no_sideways_scroll(page, width)
    _shot(page, f"rent-run-done-{width}")
    assert RentCall.objects.count() == 3


def test_camt053_import_then_the_unmatched_line_matched_by_hand(new_page, tmp_path):
    _organisation, _leases, _month = _world()
    statement = tmp_path / "releve.xml"
    statement.write_bytes(
        camt053(
            [
                ("330.00", "LOYER BAIL-A", "MARTIN JEANNE", ""),
                ("110.00", "VIREMENT LOYER", "M OU MME DURAND", ""),
            ]
        )
    )
    page = new_page()
    _login(page, "compta")
    page.goto("/")
    page.get_by_role("link", name="Importer un relevé bancaire").first.click()
    page.locator("#id_file").set_input_files(str(statement))
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "2 paiements importés, 1 rapprochés"
    )
    table = page.get_by_test_id("unmatched")
    expect(table).to_contain_text("M OU MME DURAND")
    table.get_by_label("Référence du bail").fill("BAIL-C")
    table.get_by_role("button", name="Rapprocher").click()
    expect(page.get_by_text("Paiement rapproché du bail BAIL-C.")).to_be_visible()
    expect(page.get_by_text("Chaque paiement est rapproché de son bail.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_text("Paiements non rapprochés")).to_be_visible()


def test_a_payment_plan_with_a_missed_instalment(new_page):
    organisation, leases, month = _world()
    lease = leases["BAIL-C"]
    for back in (3, 2):
        RentCall.objects.create(
            organisation=organisation,
            lease=lease,
            month=add_months(month, -back),
            days=30,
            month_days=30,
            rent_cents=45_000,
            charges_cents=8_000,
            benefit_cents=20_000,
            rls_cents=0,
            amount_cents=33_000,
        )
    page = new_page(width=390)
    _login(page, "compta")
    page.goto(f"/loyers/baux/{lease.pk}/")
    expect(page.get_by_test_id("balance")).to_contain_text("660,00")
    form = page.get_by_test_id("plan-form")
    form.get_by_label("Nombre d’échéances mensuelles").fill("3")
    first_due = timezone.localdate() - dt.timedelta(days=20)
    form.get_by_label("Première échéance le").fill(first_due.isoformat())
    form.get_by_role("button", name="Conclure un plan pour toute la dette").click()
    expect(page).to_have_url(re.compile(r"/loyers/plans/\d+/$"))
    instalments = page.get_by_test_id("instalments")
    expect(instalments).to_contain_text("220,00")
    expect(instalments.get_by_text("Manquée")).to_be_visible()
    _no_sideways_scroll(page, 390)
    # The daily follow-up: a call to make, and the accountant's home card.
    assert plans_follow_up(organisation=organisation, today=timezone.localdate()) == 1
    page.goto("/")
    expect(page.get_by_text("Plans d’apurement avec une échéance manquée")).to_be_visible()
    expect(page.get_by_role("link", name="Famille Durand").first).to_be_visible()
    _shot(page, "rent-plan-missed-home")
