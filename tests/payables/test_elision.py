"""A refused duplicate invoice names its supplier with French elision (« d’Électricité … »)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.payables.models import Supplier

from . import einvoices
from .test_pages import _client

pytestmark = pytest.mark.django_db


def test_duplicate_invoice_message_elides_before_a_vowel(landlord, people, supplier):
    client = _client(people["accountant"])
    url = reverse("payables:invoice_upload")
    first = SimpleUploadedFile("f.xml", einvoices.ubl_xml())
    assert client.post(url, {"file": first, "received_on": "2026-11-23"}).status_code == 302
    Supplier.objects.filter(pk=supplier.pk).update(name="Électricité Martin")
    again = SimpleUploadedFile("f.xml", einvoices.cii_xml())
    body = client.post(url, {"file": again, "received_on": "2026-11-23"}).content.decode()
    assert "d’Électricité Martin est déjà enregistrée" in body
