"""Rent pages through the test client: the run's POST, statements and the unmatched queue,
a tenant's account and its forms, plans, the dashboard, settings, the home cards."""

import datetime as dt

import pytest
from django.urls import reverse

from relais.core.roles import Role
from relais.rent.models import (
    CollectionStep,
    Mandate,
    Payment,
    PaymentPlan,
    RentCall,
    RentRun,
    RentSettings,
)

from .bank import camt053
from .conftest import MONTH

pytestmark = pytest.mark.django_db


def test_preview_then_run(accountant_client, leases, django_capture_on_commit_callbacks):
    page = accountant_client.get(reverse("rent:runs"), {"month": MONTH.isoformat()})
    body = page.content.decode()
    assert "Agence de Tours-Nord" in body and "Les Tilleuls" in body and "605,00" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = accountant_client.post(reverse("rent:run_start"), {"month": MONTH.isoformat()})
    run = RentRun.objects.get()
    assert response["Location"] == reverse("rent:run", args=[run.pk])
    done = accountant_client.get(response["Location"]).content.decode()
    assert 'data-testid="run-done"' in done and "605,00" in done
    zipped = accountant_client.get(reverse("rent:notices_zip", args=[run.pk]))
    assert zipped["Content-Type"] == "application/zip"


def test_a_bad_month_is_refused_without_a_500(accountant_client, leases):
    response = accountant_client.post(reverse("rent:run_start"), {"month": "2026-13-01"})
    assert response.status_code == 302 and not RentRun.objects.exists()


def test_statement_import_then_match_by_hand(accountant_client, leases):
    upload = camt053([("330.00", "BAIL-A", "MARTIN", ""), ("110.00", "LOYER", "DURAND", "")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = accountant_client.post(
        reverse("rent:statement_import"),
        {"file": SimpleUploadedFile("releve.xml", upload, "application/xml")},
    )
    assert response.status_code == 302
    queue = accountant_client.get(reverse("rent:unmatched")).content.decode()
    assert "DURAND" in queue
    payment = Payment.objects.get(lease__isnull=True)
    accountant_client.post(reverse("rent:payment_match", args=[payment.pk]), {"lease": "bail-c"})
    payment.refresh_from_db()
    assert payment.lease == leases["BAIL-C"]
    again = accountant_client.post(
        reverse("rent:statement_import"),
        {"file": SimpleUploadedFile("releve.xml", upload, "application/xml")},
    )
    assert again.status_code == 400 and "déjà été importé" in again.content.decode()


def test_tenant_account_forms(accountant_client, member_factory, leases, organisation):
    lease = leases["BAIL-A"]
    RentCall.objects.create(
        organisation=organisation,
        lease=lease,
        month=MONTH,
        days=30,
        month_days=30,
        rent_cents=45_000,
        charges_cents=8_000,
        benefit_cents=20_000,
        rls_cents=0,
        amount_cents=33_000,
    )
    url = reverse("rent:lease", args=[lease.pk])
    page = accountant_client.get(url).content.decode()
    assert "330,00" in page and "housing benefit" not in page and "aide au logement" not in page
    _manager, manager = member_factory(Role.MANAGER)
    assert "200,00" in manager.get(url).content.decode()  # the APL, for lease.view_benefit
    accountant_client.post(
        reverse("rent:mandate_create", args=[lease.pk]),
        {
            "reference": "MDT-1",
            "signed_on": "2026-11-02",
            "debtor_name": "Jeanne Martin",
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "bic": "AGRIFRPP",
        },
    )
    assert Mandate.objects.get().iban == "FR7630006000011234567890189"
    accountant_client.post(
        reverse("rent:mandate_create", args=[lease.pk]),
        {
            "reference": "MDT-2",
            "signed_on": "2026-11-02",
            "debtor_name": "X",
            "iban": "FR00 1234",
            "bic": "AGRIFRPP",
        },
    )
    assert Mandate.objects.count() == 1
    accountant_client.post(
        reverse("rent:step_record", args=[lease.pk]),
        {"kind": "call", "on": "2026-11-20", "note": "Rappel"},
    )
    assert CollectionStep.objects.get().kind == "call"
    response = accountant_client.post(
        reverse("rent:plan_create", args=[lease.pk]),
        {"instalments": "3", "first_due": "2027-01-05"},
    )
    plan = PaymentPlan.objects.get()
    assert response["Location"] == reverse("rent:plan", args=[plan.pk])
    assert plan.debt_cents == 33_000 and plan.instalments.count() == 3


def test_dashboard_csv_and_settings(accountant_client, leases, organisation):
    RentCall.objects.create(
        organisation=organisation,
        lease=leases["BAIL-A"],
        month=MONTH,
        days=30,
        month_days=30,
        rent_cents=45_000,
        charges_cents=8_000,
        benefit_cents=20_000,
        rls_cents=0,
        amount_cents=33_000,
        paid_cents=16_500,
    )
    page = accountant_client.get(reverse("rent:dashboard")).content.decode()
    assert "50 %" in page or "50,0 %" in page
    csv_text = accountant_client.get(reverse("rent:dashboard_csv")).content.decode("utf-8-sig")
    assert "Agence de Tours-Nord;330,00;165,00;50,0" in csv_text
    ages = accountant_client.get(reverse("rent:arrears_csv")).content.decode("utf-8-sig")
    assert ages.splitlines()[0] == "ancienneté;baux;montant" and ";1;165,00" in ages
    bad = accountant_client.post(
        reverse("rent:settings"),
        {
            "truce_start_day": "31",
            "truce_start_month": "2",
            "truce_end_day": "31",
            "truce_end_month": "3",
            "creditor_name": "",
            "creditor_iban": "",
            "creditor_bic": "",
            "creditor_id": "",
        },
    )
    assert bad.status_code == 400 and not RentSettings.objects.filter(truce_start_month=2)
    accountant_client.post(
        reverse("rent:settings"),
        {
            "truce_start_day": "1",
            "truce_start_month": "11",
            "truce_end_day": "10",
            "truce_end_month": "7",
            "creditor_name": "Tours Habitat",
            "creditor_iban": "fr76 3000 6000 0112 3456 7890 189",
            "creditor_bic": "",
            "creditor_id": "",
        },
    )
    saved = RentSettings.objects.get()
    assert (saved.truce_end_month, saved.creditor_iban) == (7, "FR7630006000011234567890189")
    page = accountant_client.get(reverse("rent:settings")).content.decode()
    assert 'value="FR76 3000 6000 0112 3456 7890 189"' in page


def test_accountant_home_cards(accountant_client, organisation, leases):
    Payment.objects.create(
        organisation=organisation,
        amount_cents=11_000,
        received_on=dt.date(2026, 11, 30),
        method="transfer",
        payer="M OU MME DURAND",
    )
    CollectionStep.objects.create(
        organisation=organisation,
        lease=leases["BAIL-A"],
        kind="support",
        created_on=dt.date(2026, 11, 30),
    )
    body = accountant_client.get(reverse("core:home")).content.decode()
    assert "M OU MME DURAND" in body and "Paiements non rapprochés" in body or "DURAND" in body
    assert leases["BAIL-A"].household.name in body
