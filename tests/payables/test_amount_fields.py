"""Amounts in euros are typed the French way through the shared field
(``relais.formats.forms.EuroField``): read to the cent, or refused with a French message
naming the field, the page answering 400 and nothing changed."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.payables.forms import KeyedInvoiceForm
from relais.payables.models import Invoice, PayablesSettings


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _keyed(supplier, **amounts):
    return {
        "supplier": supplier.pk,
        "number": "K-1",
        "issue_date": "2026-11-02",
        "received_on": "2026-11-03",
        "net_cents": "1 000,00",
        "vat_cents": "200,00",
        "gross_cents": "1 200,00",
        **amounts,
    }


@pytest.mark.parametrize(
    "typed, cents",
    [
        ("1 234,56", 123_456),
        ("1 234,56 €", 123_456),
        ("1\u00a0234,56\u00a0€", 123_456),  # no-break spaces, as pasted from a spreadsheet
        ("1\u202f234,56", 123_456),  # narrow no-break space, as Babel writes it
        ("92,5", 9_250),
        ("0", 0),
    ],
)
def test_french_amounts_are_read_to_the_cent(landlord, supplier, typed, cents):
    form = KeyedInvoiceForm(_keyed(supplier, vat_cents=typed), organisation=landlord)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["vat_cents"] == cents


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12,345", "Total TTC (€) : « 12,345 » a plus de deux décimales (centimes)."),
        ("abc", "Total TTC (€) : « abc » n'est pas un nombre (par exemple 1 234,56)."),
        ("18.000", "Total TTC (€) : "),  # 18 or 18,000? refused, not guessed
        ("-5", "Total TTC (€) : « -5 » est inférieur à 0."),
    ],
)
def test_a_bad_amount_is_refused_naming_the_field(landlord, people, supplier, typed, message):
    response = _client(people["accountant"]).post(
        reverse("payables:invoice_key"), _keyed(supplier, gross_cents=typed)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["gross_cents"][0].startswith(message)
    assert not Invoice.objects.exists()


def test_a_bad_limit_changes_no_setting(landlord, people):
    before = PayablesSettings.objects.get(organisation=landlord)
    response = _client(people["director"]).post(
        reverse("payables:settings"),
        {
            "regime": "public",
            "deadline_days": "30",
            "technician_limit_cents": "4 000,005",
            "manager_limit_cents": "40 000",
            "ecb_rate_bp": "215",
            "debtor_name": "Tours Habitat",
            "debtor_iban": before.debtor_iban,
            "debtor_bic": before.debtor_bic,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["technician_limit_cents"]
    assert errors == [
        "Les techniciens approuvent jusqu’à (€) : « 4 000,005 » a plus de deux décimales "
        "(centimes)."
    ]
    after = PayablesSettings.objects.get(organisation=landlord)
    assert (after.technician_limit_cents, after.manager_limit_cents) == (500_000, 5_000_000)
