"""Payables pages in the authorisation matrix. POST-only actions and file downloads are
tested in test_pages.py."""

import datetime as dt

from relais.payables import services
from relais.payables.models import Budget, PaymentRun, Supplier

from ..factories import UserFactory

PAGES = {
    "payables:invoice_list": ("payables.view", None),
    "payables:invoice_upload": ("payables.intake", None),
    "payables:invoice_key": ("payables.intake", None),
    "payables:invoice_detail": ("payables.view", {"pk": "payables_invoice"}),
    "payables:supplier_list": ("payables.view", None),
    "payables:supplier_create": ("payables.suppliers", None),
    "payables:supplier_edit": ("payables.suppliers", {"pk": "payables_supplier"}),
    "payables:budget_list": ("payables.budgets", None),
    "payables:budget_create": ("payables.budgets", None),
    "payables:budget_edit": ("payables.budgets", {"pk": "payables_budget"}),
    "payables:delegation_list": ("payables.approve", None),
    "payables:payment_run_list": ("payables.pay", None),
    "payables:payment_run_detail": ("payables.pay", {"pk": "payables_run"}),
    "payables:statement_import": ("payables.pay", None),
    "payables:dashboard": ("payables.dashboard", None),
    "payables:settings": ("payables.configure", None),
}
NOT_PAGES = {
    "payables:invoice_approve",
    "payables:invoice_reject",
    "payables:invoice_recheck",
    "payables:invoice_file",
    "payables:delegation_revoke",
    "payables:payment_run_file",
}


def world(organisation, mark, base) -> dict:
    supplier = Supplier.objects.create(
        organisation=organisation,
        name=f"Fournisseur {mark}",
        siren="552100554",
        iban="FR7630006000011234567890189",
    )
    today = dt.date.today()
    invoice = services.invoice_create(
        organisation=organisation,
        actor=None,
        data=services.NewInvoice(
            supplier=supplier,
            number=f"F-{mark}",
            source="keyed",
            issue_date=today,
            received_on=today,
            net_cents=10_000,
            vat_cents=2_000,
            gross_cents=12_000,
        ),
    )
    run = PaymentRun.objects.create(
        organisation=organisation,
        execution_date=today,
        message_id=f"RUN-{mark}-{organisation.pk}",
        invoice_count=0,
        total_cents=0,
        xml="<x/>",
        created_by=UserFactory(),
    )
    budget = Budget.objects.create(
        organisation=organisation, code=f"B-{mark}", label="Entretien", year=2026, amount_cents=1
    )
    return {
        "payables_supplier": supplier,
        "payables_invoice": invoice,
        "payables_run": run,
        "payables_budget": budget,
    }
