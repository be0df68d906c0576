"""Payables' part of ``seed_demo``: a supplier for each contractor (same SIREN, linked), the
landlord's settings, and a year of invoices for completed work orders (a share of
``INVOICES_PER_WORK_ORDER``): the old ones paid (some late, with their interest), the recent
ones approved, awaiting approval or held. Written with ``bulk_create`` (set-based).

Each approved or paid invoice carries the approvals of its levels, each by a member holding
the level's role (so never one person twice: four eyes); an invoice whose level nobody
holds waits at that level. A few approved invoices are then paid as a bank statement's
import pays them (``payments.mark_paid`` / ``save_paid``), so the per-supplier payment delay
has figures even at the tiny scale, where no invoice is old enough to have been paid.
"""

import datetime as dt
import random
import re

from django.utils import timezone
from schwifty import IBAN

from relais.core.models import Membership, Organisation
from relais.interventions.models import Contractor, WorkOrder

from . import delays, payments, rules
from .models import (
    Approval,
    Decision,
    Delegation,
    Invoice,
    InvoiceLine,
    PayablesSettings,
    PaymentRun,
    Status,
    Supplier,
    SupplierPaidMonth,
)

# Share of completed work orders invoiced in the demo, by scale.
SHARE = {"tiny": 1.0, "small": 1.0, "region": 0.5}
PAID_BY_STATEMENT = 4  # approved invoices paid through the statement import's path
RESET_ORDER = (
    Approval,
    InvoiceLine,
    Invoice,
    PaymentRun,
    Delegation,
    SupplierPaidMonth,
    Supplier,
    PayablesSettings,
)


def demo_iban(index: int) -> str:
    return IBAN.generate("FR", bank_code="30006", account_code=f"{index:011d}").compact


class PayablesDemo:
    name = "payables"

    def seed(self, *, organisation_ids, scale, seed, writer):
        # Through bulk_create: a few thousand invoices at region scale, not the seed's writer.
        rng = random.Random(f"{seed}:payables")
        today = timezone.localdate()
        counts = {}
        for organisation_id in organisation_ids:
            counts[organisation_id] = _seed_landlord(organisation_id, rng, scale, today)
        return counts

    def reset(self, organisation_ids):
        for model in RESET_ORDER:
            model.objects.filter(organisation_id__in=organisation_ids).delete()


# Invented company names (fictional, any likeness is chance) in place of the contractors'
# placeholder suffix (« Plomberie A0 » → « Plomberie Tourangelle SARL »).
PLACEHOLDER = re.compile(r"\s+[A-Z]\d+$")
FIRMS = (
    "Tourangelle SARL",
    "du Val de Loire",
    "Martin et Fils",
    "Ligérienne SAS",
    "des Deux Rives",
    "Berthelot SARL",
    "du Cher",
    "Rabelais Services",
    "Chinonaise",
    "Vouvrillonne SAS",
    "Besnard Frères",
    "de la Gâtine",
    "Lemoine et Cie",
)
TOWNS = ("Amboise", "Joué-lès-Tours", "Loches", "Chinon", "Saint-Cyr-sur-Loire")


def supplier_name(contractor_name: str, index: int) -> str:
    """A realistic invented company name for the demo's ``index``-th contractor of a landlord:
    its trade and a fictional firm (a town after the first combinations, to stay distinct);
    a name without the placeholder suffix is kept."""
    trade, found = PLACEHOLDER.subn("", contractor_name)
    if not found:
        return contractor_name
    name = f"{trade} {FIRMS[index % len(FIRMS)]}"
    rounds = index // (len(FIRMS) * 6)
    return f"{name} – {TOWNS[(rounds - 1) % len(TOWNS)]} {rounds}" if rounds else name


def _suppliers(organisation_id: int, rng) -> dict[int, Supplier]:
    contractors = list(Contractor.objects.filter(organisation_id=organisation_id).order_by("id"))
    suppliers = [
        Supplier(
            organisation_id=organisation_id,
            name=supplier_name(c.name, index),
            siren=c.siren,
            iban=demo_iban(c.pk),
            small_business=rng.random() < 0.6,
            contractor=c,
            email=c.email,
        )
        for index, c in enumerate(contractors)
    ]
    Supplier.objects.bulk_create(suppliers, batch_size=1000)
    return {s.contractor_id: s for s in Supplier.objects.filter(organisation_id=organisation_id)}


def _invoice(organisation_id, supplier, work_order, number, rng, today) -> Invoice:
    net = rng.choice((18_000, 32_000, 64_000, 120_000, 350_000, 720_000, 1_800_000))
    vat = (net * 1000 + 5000) // 10_000
    gross = net + vat
    issue = timezone.localdate(work_order.completed_at) + dt.timedelta(days=rng.randint(0, 10))
    received = issue + dt.timedelta(days=rng.randint(1, 5))
    due = rules.due_date(regime="public", deadline_days=30, issue_date=issue, received_on=received)
    levels = rules.levels_for(
        gross,
        technician_limit_cents=rules.DEFAULT_TECHNICIAN_LIMIT_CENTS,
        manager_limit_cents=rules.DEFAULT_MANAGER_LIMIT_CENTS,
    )
    invoice = Invoice(
        organisation_id=organisation_id,
        supplier=supplier,
        number=number,
        source=rng.choice(("facturx", "facturx", "keyed", "ubl")),
        issue_date=issue,
        received_on=received,
        due_on=due,
        net_cents=net,
        vat_cents=vat,
        gross_cents=gross,
        order_reference=f"BC-{work_order.pk}",
        work_order=work_order,
        levels=levels,
    )
    age = (today - received).days
    if age > 45:
        paid_on = due + dt.timedelta(days=rng.choice((-10, -5, -2, 0, 0, 3, 12)))
        late = rules.late_payment(
            gross_cents=gross,
            due_on=due,
            paid_on=paid_on,
            regime="public",
            ecb_rate_bp=rules.DEFAULT_ECB_RATE_BP,
        )
        invoice.status, invoice.paid_on = Status.PAID, paid_on
        invoice.delay_days = max((paid_on - received).days, 0)
        invoice.late_days, invoice.interest_cents, invoice.indemnity_cents = (
            late.days,
            late.interest_cents,
            late.indemnity_cents,
        )
    elif age > 20:
        invoice.status = Status.APPROVED
    else:
        invoice.status, invoice.next_level = Status.PENDING, levels[0]
    return invoice


def _seed_landlord(organisation_id: int, rng, scale: str, today: dt.date) -> dict[str, int]:
    PayablesSettings.objects.get_or_create(
        organisation_id=organisation_id,
        defaults={
            "regime": "public",
            "deadline_days": 30,
            "technician_limit_cents": rules.DEFAULT_TECHNICIAN_LIMIT_CENTS,
            "manager_limit_cents": rules.DEFAULT_MANAGER_LIMIT_CENTS,
            "ecb_rate_bp": rules.DEFAULT_ECB_RATE_BP,
            # The payer a supplier's bank shows: the landlord itself.
            "debtor_name": Organisation.objects.values_list("name", flat=True).get(
                pk=organisation_id
            )[:70],
            "debtor_iban": demo_iban(organisation_id + 90_000_000),
        },
    )
    suppliers = _suppliers(organisation_id, rng)
    completed = WorkOrder.objects.filter(
        organisation_id=organisation_id, status="completed", completed_at__isnull=False
    ).only("id", "contractor_id", "completed_at")
    invoices = []
    for work_order in completed.iterator(chunk_size=5000):
        supplier = suppliers.get(work_order.contractor_id)
        if supplier is None or rng.random() > SHARE.get(scale, 1.0):
            continue
        invoices.append(
            _invoice(organisation_id, supplier, work_order, f"F{work_order.pk:08d}", rng, today)
        )
    approvers = _approvers(organisation_id)
    planned = [_plan_approvals(invoice, approvers) for invoice in invoices]
    Invoice.objects.bulk_create(invoices, batch_size=2000)
    Approval.objects.bulk_create(
        [
            Approval(
                organisation_id=organisation_id,
                invoice_id=invoice.pk,
                level=level,
                decision=Decision.APPROVED,
                actor_id=actor_id,
                at=at,
            )
            for invoice, plan in zip(invoices, planned, strict=True)
            for level, actor_id, at in plan
        ],
        batch_size=5000,
    )
    delays.rebuild(organisation_id)  # the dashboard's summary of the invoices created paid
    _pay_a_few(organisation_id, invoices, rng, today)
    return {"suppliers": len(suppliers), "invoices": len(invoices)}


def _approvers(organisation_id: int) -> dict[str, list[int]]:
    """Active members' user ids by approval level (their role), in id order."""
    found: dict[str, list[int]] = {level: [] for level in rules.LEVELS}
    rows = Membership.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=rules.LEVELS
    ).order_by("user_id")
    for role, user_id in rows.values_list("role", "user_id"):
        found[role].append(user_id)
    return found


def _plan_approvals(invoice: Invoice, approvers) -> list[tuple[str, int, dt.datetime]]:
    """(level, user id, at) of an approved or paid invoice's approvals, one level a day after
    receipt (10:00, Europe/Paris); an invoice at a level nobody holds is set back to wait
    there (nothing planned). Pending invoices get none."""
    if invoice.status not in (Status.APPROVED, Status.PAID):
        return []
    plan, used = [], set()
    for step, level in enumerate(invoice.levels, start=1):
        holders = [u for u in approvers[level] if u not in used]
        if not holders:
            invoice.status, invoice.next_level = Status.PENDING, level
            invoice.paid_on = invoice.delay_days = None
            invoice.late_days = invoice.interest_cents = invoice.indemnity_cents = 0
            return []
        actor_id = holders[invoice.work_order_id % len(holders)]
        used.add(actor_id)
        day = invoice.received_on + dt.timedelta(days=step)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        plan.append((level, actor_id, at))
    return plan


def _pay_a_few(organisation_id: int, invoices: list[Invoice], rng, today: dt.date) -> None:
    """Pays the oldest half of the approved invoices (``PAID_BY_STATEMENT`` at most), 21 to 40
    days after receipt and never after today, as a bank statement's import does."""
    approved = sorted(
        (i for i in invoices if i.status == Status.APPROVED), key=lambda i: (i.received_on, i.pk)
    )
    approved = approved[: min(PAID_BY_STATEMENT, (len(approved) + 1) // 2)]  # some left to pay
    if not approved:
        return
    organisation = Organisation.objects.get(pk=organisation_id)
    conf = PayablesSettings.objects.get(organisation_id=organisation_id)
    for invoice in approved:
        paid_on = invoice.received_on + dt.timedelta(days=rng.randint(21, 40))
        payments.mark_paid(invoice, min(paid_on, today), conf)
    payments.save_paid(organisation, approved)
