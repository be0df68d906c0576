"""Rent pages in the authorisation matrix (tests/test_authorisation_matrix.py).

POST-only actions (start a run, e-mail notices, direct-debit file, match a payment, record a
step, a plan or a mandate, mark a step done) are tested in test_pages.py.
"""

import datetime as dt

from relais.rent.models import (
    CollectionStep,
    Instalment,
    Payment,
    PaymentPlan,
    RentCall,
    RentRun,
    RentSettings,
    StepKind,
)

PAGES = {
    "rent:runs": ("rent.run", None),
    "rent:run": ("rent.run", {"pk": "rent_run"}),
    "rent:notices_zip": ("rent.run", {"pk": "rent_run"}),
    "rent:call_notice": ("rent.view", {"pk": "rent_call"}),
    "rent:call_receipt": ("rent.view", {"pk": "rent_call"}),
    "rent:payments": ("rent.view", None),
    "rent:payment_new": ("payment.record", None),
    "rent:statement_import": ("payment.record", None),
    "rent:unmatched": ("rent.view", None),
    "rent:lease": ("rent.view", {"pk": "lease"}),
    "rent:steps": ("rent.view", None),
    "rent:plans": ("rent.view", None),
    "rent:plan": ("rent.view", {"pk": "payment_plan"}),
    "rent:cash_payers": ("collection.manage", None),
    "rent:dashboard": ("rent.dashboard", None),
    "rent:dashboard_csv": ("rent.dashboard", None),
    "rent:arrears_csv": ("rent.dashboard", None),
    "rent:settings": ("rent.configure", None),
    "rent:terms": ("rent.configure", {"pk": "lease"}),
    "rent:cash_payer_mandate": ("collection.manage", {"pk": "lease"}),
    "rent:cash_payers_mandates": ("collection.manage", None),
}
NOT_PAGES = {
    "rent:run_start",
    "rent:notices_email",
    "rent:direct_debit",
    "rent:payment_match",
    "rent:step_record",
    "rent:plan_create",
    "rent:mandate_create",
    "rent:step_done",
}


def world(organisation, mark, base):
    lease = base["lease"]
    month = dt.date(2026, 11, 1)
    RentSettings.objects.create(
        organisation=organisation, creditor_name=f"Bailleur {mark}", creditor_id="FR12ZZZ123456"
    )
    run = RentRun.objects.create(organisation=organisation, month=month, status="done")
    call = RentCall.objects.create(
        organisation=organisation,
        lease=lease,
        month=month,
        days=30,
        month_days=30,
        rent_cents=45_000,
        charges_cents=8_000,
        benefit_cents=0,
        rls_cents=0,
        amount_cents=53_000,
        paid_cents=53_000,
        run=run,
    )
    Payment.objects.create(
        organisation=organisation,
        lease=lease,
        amount_cents=53_000,
        received_on=dt.date(2026, 11, 4),
        method="cash",
        reference=f"Espèces {mark}",
    )
    Payment.objects.create(
        organisation=organisation,
        amount_cents=1_000,
        received_on=dt.date(2026, 11, 30),
        method="transfer",
        payer=f"Payeur {mark}",
    )
    CollectionStep.objects.create(
        organisation=organisation,
        lease=lease,
        kind=StepKind.CALL,
        created_on=dt.date(2026, 11, 30),
        note=f"Appel {mark}",
    )
    plan = PaymentPlan.objects.create(
        organisation=organisation, lease=lease, created_on=dt.date(2026, 11, 1), debt_cents=10_000
    )
    Instalment.objects.create(plan=plan, due_on=dt.date(2026, 12, 5), amount_cents=10_000)
    return {"rent_run": run, "rent_call": call, "payment_plan": plan}
