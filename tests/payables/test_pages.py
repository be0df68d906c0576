"""Payables pages: bad input answered 4xx with nothing written, decisions by POST, files,
access across organisations, query counts of the lists and the dashboard."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.payables import approvals, payments, services
from relais.payables.models import Delegation, Invoice, PayablesSettings, Status, Supplier

from ..factories import MembershipFactory, OrganisationFactory
from . import einvoices


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _keyed(landlord, people, supplier, number="K-1", gross=120_000):
    vat = gross // 6
    data = services.NewInvoice(
        supplier=supplier,
        number=number,
        source="keyed",
        issue_date=dt.date(2026, 11, 2),
        received_on=dt.date(2026, 11, 3),
        net_cents=gross - vat,
        vat_cents=vat,
        gross_cents=gross,
    )
    return services.invoice_create(organisation=landlord, actor=people["accountant"], data=data)


def test_upload_refusals_are_400_and_write_nothing(landlord, people, supplier):
    client = _client(people["accountant"])
    url = reverse("payables:invoice_upload")
    garbage = client.post(
        url, {"file": SimpleUploadedFile("x.txt", b"hello"), "received_on": "2026-11-23"}
    )
    assert garbage.status_code == 400
    assert "ni un PDF ni une facture XML" in garbage.content.decode()
    mismatch = SimpleUploadedFile("f.xml", einvoices.cii_xml(gross="1200.00"))
    response = client.post(url, {"file": mismatch, "received_on": "2026-11-23"})
    assert (
        response.status_code == 400 and "Les totaux ne concordent pas" in response.content.decode()
    )
    assert not Invoice.objects.exists()
    ok = client.post(
        url, {"file": SimpleUploadedFile("f.xml", einvoices.ubl_xml()), "received_on": "2026-11-23"}
    )
    assert ok.status_code == 302
    again = client.post(
        url, {"file": SimpleUploadedFile("f.xml", einvoices.cii_xml()), "received_on": "2026-11-23"}
    )
    assert again.status_code == 400 and "déjà enregistrée" in again.content.decode()
    assert Invoice.objects.count() == 1


def test_a_plain_pdf_leads_to_keying(landlord, people, supplier):
    client = _client(people["accountant"])
    response = client.post(
        reverse("payables:invoice_upload"),
        {"file": SimpleUploadedFile("f.pdf", einvoices.plain_pdf()), "received_on": "2026-11-23"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("payables:invoice_key")


def test_keyed_form_checks_totals_and_records(landlord, people, supplier):
    client = _client(people["accountant"])
    form = {
        "supplier": supplier.pk,
        "number": "K-9",
        "issue_date": "2026-11-02",
        "received_on": "2026-11-03",
        "net_cents": "1 000,00",
        "vat_cents": "200,00",
        "gross_cents": "1 300,00",
    }
    refused = client.post(reverse("payables:invoice_key"), form)
    assert refused.status_code == 400 and "HT + TVA font 1" in refused.content.decode()
    recorded = client.post(reverse("payables:invoice_key"), {**form, "gross_cents": "1 200,00"})
    assert recorded.status_code == 302
    invoice = Invoice.objects.get(number="K-9")
    assert (invoice.gross_cents, invoice.due_on) == (120_000, dt.date(2026, 12, 3))


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"issue_date": "2027-11-20"},
            "issue_date",
            "Date de la facture : le 20/11/2027 est une date future",
        ),
        (
            {"issue_date": "2026-11-10", "received_on": "2026-11-03"},
            "received_on",
            "Reçue le : le 03/11/2026 précède la date de la facture (10/11/2026)",
        ),
        (
            {"stated_due_on": "2026-10-01"},
            "stated_due_on",
            "Échéance indiquée sur la facture : le 01/10/2026 précède la date de la facture",
        ),
    ],
)
def test_keyed_form_refuses_incoherent_dates(landlord, people, supplier, dates, field, message):
    client = _client(people["accountant"])
    form = {
        "supplier": supplier.pk,
        "number": "K-8",
        "issue_date": "2026-11-02",
        "received_on": "2026-11-03",
        "net_cents": "1 000,00",
        "vat_cents": "200,00",
        "gross_cents": "1 200,00",
        **dates,
    }
    refused = client.post(reverse("payables:invoice_key"), form)
    assert refused.status_code == 400
    assert message in " ".join(refused.context["form"].errors[field])
    assert not Invoice.objects.filter(number="K-8").exists()


def test_decisions_by_post(landlord, people, supplier):
    invoice = _keyed(landlord, people, supplier)
    assert (
        _client(people["accountant"])
        .post(reverse("payables:invoice_approve", args=[invoice.pk]))
        .status_code
        == 403
    )
    technician = _client(people["technician"])
    technician.post(reverse("payables:invoice_reject", args=[invoice.pk]), {"reason": ""})
    invoice.refresh_from_db()
    assert invoice.status == Status.PENDING
    response = technician.post(reverse("payables:invoice_approve", args=[invoice.pk]))
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Status.APPROVED
    again = technician.post(reverse("payables:invoice_approve", args=[invoice.pk]), follow=True)
    assert "attend pas d’approbation" in again.content.decode()


def test_other_organisations_invoice_is_404(landlord, people, supplier):
    invoice = _keyed(landlord, people, supplier)
    outsider = MembershipFactory(organisation=OrganisationFactory(), role="director").user
    client = _client(outsider)
    assert client.get(reverse("payables:invoice_detail", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("payables:invoice_approve", args=[invoice.pk])).status_code == 404


def test_payment_run_file_download_is_audited(landlord, people, supplier):
    invoice = _keyed(landlord, people, supplier)
    approvals.invoice_approve(organisation=landlord, actor=people["technician"], invoice=invoice)
    client = _client(people["accountant"])
    made = client.post(
        reverse("payables:payment_run_list"),
        {"due_by": "2027-01-31", "execution_date": dt.date.today().isoformat()},
    )
    assert made.status_code == 302
    run_id = Invoice.objects.get(pk=invoice.pk).payment_run_id
    response = client.get(reverse("payables:payment_run_file", args=[run_id]))
    assert response["Content-Type"] == "application/xml"
    assert payments.validate_pain001(response.content) == []
    assert AuditEvent.objects.filter(
        action="payment_run.downloaded", object_id=str(run_id)
    ).exists()
    empty = client.post(
        reverse("payables:payment_run_list"),
        {"due_by": "2027-01-31", "execution_date": dt.date.today().isoformat()},
    )
    assert empty.status_code == 400


def test_statement_page_refuses_a_file_that_is_not_camt(landlord, people):
    client = _client(people["accountant"])
    response = client.post(
        reverse("payables:statement_import"), {"file": SimpleUploadedFile("s.xml", b"<a/>")}
    )
    assert response.status_code == 400
    garbage = client.post(
        reverse("payables:statement_import"),
        {"file": SimpleUploadedFile("s.xml", b"%PDF-1.7 not a statement")},
    )
    assert garbage.status_code == 400
    error = " ".join(garbage.context["form"].errors["file"])
    assert "pas un XML lisible" in error
    assert "syntax" not in error and "line 1" not in error


def test_lists_and_dashboard_in_bounded_queries(
    landlord, people, supplier, django_assert_max_num_queries
):
    for n in range(12):
        invoice = _keyed(landlord, people, supplier, number=f"K-{n}", gross=700_000)
        approvals.invoice_approve(
            organisation=landlord, actor=people["technician"], invoice=invoice
        )
    Invoice.objects.filter(number__in=["K-1", "K-2"]).update(
        status=Status.PAID, paid_on=dt.date(2026, 12, 20), late_days=17
    )
    manager = _client(people["manager"])
    with django_assert_max_num_queries(16):
        response = manager.get(reverse("payables:invoice_list") + "?queue=mine")
    assert response.status_code == 200 and len(response.context["invoices"]) == 10
    with django_assert_max_num_queries(16):
        assert manager.get(reverse("payables:dashboard")).status_code == 200


def test_settings_saved_and_audited(landlord, people):
    client = _client(people["director"])
    response = client.post(
        reverse("payables:settings"),
        {
            "regime": "commercial",
            "deadline_days": "60",
            "technician_limit_cents": "3 000,00",
            "manager_limit_cents": "40 000,00",
            "ecb_rate_bp": "215",
            "debtor_name": "Tours Habitat",
            "debtor_iban": "FR7630004000031234567890143",
            "debtor_bic": "",
        },
    )
    assert response.status_code == 302
    conf = PayablesSettings.objects.get(organisation=landlord)
    assert (conf.regime, conf.technician_limit_cents, conf.manager_limit_cents) == (
        "commercial",
        300_000,
        4_000_000,
    )
    assert AuditEvent.objects.filter(action="payables.settings_changed").exists()
    refused = client.post(
        reverse("payables:settings"),
        {
            "regime": "commercial",
            "deadline_days": "90",
            "technician_limit_cents": "3 000,00",
            "manager_limit_cents": "40 000,00",
            "ecb_rate_bp": "215",
        },
    )
    assert refused.status_code == 400


@pytest.mark.parametrize("role", ["technician", "manager", "director", "accountant"])
def test_home_cards_for_approvers_and_accountants(landlord, people, supplier, role):
    _keyed(landlord, people, supplier)
    response = _client(people[role]).get(reverse("core:home"))
    keys = [card.key for card in response.context["cards"]]
    expected = {
        "technician": "payables.to_approve",
        "manager": "payables.to_approve",
        "director": "payables.to_approve",
        "accountant": "payables.to_pay",
    }
    assert expected[role] in keys
    if role == "technician":
        card = next(c for c in response.context["cards"] if c.key == "payables.to_approve")
        assert card.count == 1


def test_supplier_form_checks_siren_siret_iban_and_contractor(landlord, people, work_order):
    client = _client(people["accountant"])
    form = {
        "name": "Plomberie Martin",
        "siren": "552 100 554",
        "siret": "552 100 554 00013",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "contractor": work_order.contractor.pk,
    }
    bad = client.post(
        reverse("payables:supplier_create"),
        {**form, "siren": "552100555", "iban": "FR7630006000011234567890188", "siret": "123"},
    )
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert set(errors) >= {"siren", "siret", "iban"}
    saved = client.post(reverse("payables:supplier_create"), form)
    assert saved.status_code == 302
    supplier = Supplier.objects.get(organisation=landlord)
    assert (supplier.siren, supplier.siret, supplier.iban) == (
        "552100554",
        "55210055400013",
        "FR7630006000011234567890189",
    )
    assert supplier.contractor == work_order.contractor
    edit = client.get(reverse("payables:supplier_edit", args=[supplier.pk])).content.decode()
    assert 'value="FR76 3000 6000 0112 3456 7890 189"' in edit  # shown grouped, stored compact


def test_ibans_are_shown_in_groups_of_four(landlord, people, supplier):
    invoice = _keyed(landlord, people, supplier)
    type(invoice).objects.filter(pk=invoice.pk).update(invoice_iban="FR7630004000031234567890143")
    client = _client(people["director"])
    page = client.get(reverse("payables:invoice_detail", args=[invoice.pk])).content.decode()
    assert "FR76 3000 6000 0112 3456 7890 189" in page  # the supplier's, on file
    assert "la facture indique FR76 3000 4000 0312 3456 7890 143" in page
    settings = client.get(reverse("payables:settings")).content.decode()
    assert 'value="FR76 3000 4000 0312 3456 7890 143"' in settings
    typed = {**SETTINGS, "debtor_iban": "fr76 3000 4000 0312 3456 7890 143"}
    assert client.post(reverse("payables:settings"), typed).status_code == 302
    conf = PayablesSettings.objects.get(organisation=landlord)
    assert conf.debtor_iban == "FR7630004000031234567890143"


def test_dashboard_names_who_approves_each_level_today(landlord, people, supplier):
    today = timezone.localdate()
    Delegation.objects.create(
        organisation=landlord,
        delegator=people["manager"],
        delegate=people["technician2"],
        starts_on=today,
        ends_on=today,
        created_by=people["manager"],
    )
    Delegation.objects.create(  # over yesterday: not shown
        organisation=landlord,
        delegator=people["director"],
        delegate=people["manager2"],
        starts_on=today - dt.timedelta(days=3),
        ends_on=today - dt.timedelta(days=1),
        created_by=people["director"],
    )
    _keyed(landlord, people, supplier, number="K-1", gross=700_000)
    response = _client(people["director"]).get(reverse("payables:dashboard"))
    rows = response.context["waiting"]
    waiting = {str(label): (row["count"], names) for label, row, names in rows}
    delegated = "Tina Roux (à la place de Marie Durand)"
    assert waiting == {
        "Technicien(ne)": (1, ["Théo Martin", "Tina Roux"]),
        "Responsable": (0, ["Marie Durand", "Marc Petit", delegated]),
        "Directeur / directrice": (0, ["Denise Leroy"]),
    }
    table = response.content.decode()
    assert delegated in table


SETTINGS = {
    "regime": "public",
    "deadline_days": "30",
    "technician_limit_cents": "5 000,00",
    "manager_limit_cents": "40 000,00",
    "ecb_rate_bp": "215",
    "debtor_name": "Tours Habitat",
    "debtor_iban": "FR7630004000031234567890143",
    "debtor_bic": "",
}


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"deadline_days": "45"}, "deadline_days", "30 jours au plus"),
        ({"deadline_days": "0"}, "deadline_days", "au moins 1 jour"),
        ({"ecb_rate_bp": "99999999999"}, "ecb_rate_bp", "entre 0 et 2 000"),
        ({"ecb_rate_bp": "2001"}, "ecb_rate_bp", "entre 0 et 2 000"),
    ],
)
def test_settings_refuse_deadlines_and_rates_out_of_law(landlord, people, typed, field, message):
    client = _client(people["director"])
    refused = client.post(reverse("payables:settings"), {**SETTINGS, **typed})
    assert refused.status_code == 400
    errors = " ".join(refused.context["form"].errors[field])
    assert message in errors
    assert "60 jours" not in errors and "9223372036854775807" not in errors
    assert PayablesSettings.objects.get(organisation=landlord).ecb_rate_bp == 215


def test_settings_page_lists_only_the_two_regimes_and_groups_thousands(landlord, people):
    PayablesSettings.objects.filter(organisation=landlord).update(technician_limit_cents=500_000)
    page = _client(people["director"]).get(reverse("payables:settings"))
    html = page.content.decode()
    assert "---------" not in html
    assert [value for value, _label in page.context["form"].fields["regime"].choices] == [
        "public",
        "commercial",
    ]
    assert 'value="5 000,00"' in html
    saved = _client(people["director"]).post(reverse("payables:settings"), SETTINGS)
    assert saved.status_code == 302  # the grouped amount reads back


def test_run_detail_warns_of_invoices_paid_after_their_due_date(landlord, people, supplier):
    invoice = _keyed(landlord, people, supplier, number="K-LATE", gross=120_000)  # due 3/12
    while invoice.status == Status.PENDING:
        invoice = approvals.invoice_approve(
            organisation=landlord, actor=people[invoice.next_level], invoice=invoice
        )
    on_time = _keyed(landlord, people, supplier, number="K-OK", gross=120_000)
    Invoice.objects.filter(pk=on_time.pk).update(
        status=Status.APPROVED, next_level="", due_on=dt.date(2027, 2, 1)
    )
    run = payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=dt.date(2026, 12, 13),  # ten days after K-LATE's due date
        due_by=dt.date(2027, 2, 1),
    )
    page = _client(people["accountant"]).get(reverse("payables:payment_run_detail", args=[run.pk]))
    html = page.content.decode()
    assert [row.invoice.number for row in page.context["late"]] == ["K-LATE"]
    late = page.context["late"][0].late
    assert (late.days, late.indemnity_cents) == (10, 4_000)
    assert 'data-testid="paid-late"' in html
    assert "K-LATE (Plomberie Martin), échéance le 03/12/2026 : 10 jours de retard" in html
    assert "40,00" in html


def test_a_first_level_approval_says_the_invoice_awaits_the_next(landlord, people, supplier):
    invoice = _keyed(landlord, people, supplier, number="K-2L", gross=700_000)  # two levels
    assert invoice.levels == ["technician", "manager"]
    first = _client(people["technician"]).post(
        reverse("payables:invoice_approve", args=[invoice.pk]), follow=True
    )
    html = first.content.decode()
    assert (
        "Étape approuvée pour la facture K-2L, en attente de l’approbation niveau Responsable"
        in html
    )
    assert "Facture K-2L approuvée" not in html
    last = _client(people["manager"]).post(
        reverse("payables:invoice_approve", args=[invoice.pk]), follow=True
    )
    assert "Facture K-2L approuvée" in last.content.decode()


def test_one_day_late_is_written_in_the_singular(landlord, people, supplier):
    """Trial: « 1 jours de retard » on a payment run paid a day after the due date."""
    invoice = _keyed(landlord, people, supplier, number="K-ONE", gross=120_000)  # due 3/12
    while invoice.status == Status.PENDING:
        invoice = approvals.invoice_approve(
            organisation=landlord, actor=people[invoice.next_level], invoice=invoice
        )
    run = payments.payment_run_create(
        organisation=landlord,
        actor=people["accountant"],
        execution_date=dt.date(2026, 12, 4),  # one day after K-ONE's due date
        due_by=dt.date(2027, 2, 1),
    )
    page = _client(people["accountant"]).get(reverse("payables:payment_run_detail", args=[run.pk]))
    html = page.content.decode()
    assert "échéance le 03/12/2026 : 1 jour de retard," in html
    assert "1 jours" not in html
