"""The journal shows payables' events readably (amounts in euros, labels in French)."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from relais.payables import services


def test_the_journal_shows_an_invoice_received_with_its_amount(landlord, people, supplier):
    today = dt.date.today()
    services.invoice_create(
        organisation=landlord,
        actor=people["accountant"],
        data=services.NewInvoice(
            supplier=supplier,
            number="J-1",
            source="keyed",
            issue_date=today,
            received_on=today,
            net_cents=100_000,
            vat_cents=20_000,
            gross_cents=120_000,
        ),
    )
    client = Client()
    client.force_login(people["director"])
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Facture fournisseur reçue" in body
    assert "200,00\u00a0€" in body
