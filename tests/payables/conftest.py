"""Fixtures of the payables tests: a landlord with its approvers and accountant, a supplier
linked to a contractor, a completed work order."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, Contractor, WorkOrder, WorkOrderStatus
from relais.payables.models import PayablesSettings, Supplier

from ..factories import LeaseFactory, MembershipFactory, OrganisationFactory, UserFactory
from ..interventions.work_order_fixtures import make_request
from .einvoices import SELLER_IBAN, SELLER_SIREN


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def in_english():
    """Service messages compared in their English source (the site's language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def landlord(db):
    organisation = OrganisationFactory(name="Tours Habitat")
    PayablesSettings.objects.create(
        organisation=organisation,
        regime="public",
        deadline_days=30,
        technician_limit_cents=500_000,
        manager_limit_cents=5_000_000,
        ecb_rate_bp=215,
        debtor_name="Tours Habitat",
        debtor_iban="FR7630004000031234567890143",
        debtor_bic="BNPAFRPPXXX",
    )
    return organisation


@pytest.fixture
def people(landlord):
    made = {}
    for key, role, first, last in (
        ("technician", Role.TECHNICIAN, "Théo", "Martin"),
        ("technician2", Role.TECHNICIAN, "Tina", "Roux"),
        ("manager", Role.MANAGER, "Marie", "Durand"),
        ("manager2", Role.MANAGER, "Marc", "Petit"),
        ("director", Role.DIRECTOR, "Denise", "Leroy"),
        ("accountant", Role.ACCOUNTANT, "Alain", "Bernard"),
    ):
        user = UserFactory(username=f"pay-{key}", first_name=first, last_name=last)
        MembershipFactory(user=user, organisation=landlord, role=role)
        made[key] = user
    return made


@pytest.fixture
def work_order(landlord, monkeypatch):
    ensure_defaults(landlord)
    leak = Category.objects.get(organisation=landlord, code="water_leak")
    lease = LeaseFactory(dwelling__building__residence__organisation=landlord)
    request = make_request(lease, leak, number="DI-2026-000042")
    contractor = Contractor.objects.create(
        organisation=landlord, name="Plomberie Martin", siren=SELLER_SIREN
    )
    now = timezone.now()
    return WorkOrder.objects.create(
        organisation=landlord,
        request=request,
        contractor=contractor,
        status=WorkOrderStatus.COMPLETED,
        link_token_hash="x" * 64,
        link_expires_at=now + dt.timedelta(days=7),
        sent_at=now - dt.timedelta(days=3),
        completed_at=now - dt.timedelta(days=1),
        completion_note="Joint changé.",
    )


@pytest.fixture
def supplier(landlord, work_order):
    return Supplier.objects.create(
        organisation=landlord,
        name="Plomberie Martin",
        siren=SELLER_SIREN,
        iban=SELLER_IBAN,
        small_business=True,
        contractor=work_order.contractor,
    )
