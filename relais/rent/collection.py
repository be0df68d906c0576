"""Arrears follow-up: the automatic dunning ladder, its suspension in crisis mode, steps
recorded by staff (CCAPEX before court), payment plans and their missed instalments.

Ladder (DOMAIN.md §3): reminder → call → payment-plan proposal → FSL help → CCAPEX referral;
a court action is never automatic and needs a CCAPEX referral at least two months before
(``rules.court_allowed_from``) and a date outside the winter truce for an eviction.
While the crisis switch ``dunning_suspended`` is on, the run writes no reminder: each lease
in arrears gets a supportive contact task instead (a call to see how the household is and
what help applies), and the switch's flip converts the open automatic steps.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.outbox import notify_household
from relais.core.selectors import current_crisis_state
from relais.housing.models import Lease

from . import rules
from .models import (
    CollectionStep,
    Instalment,
    Payment,
    PaymentPlan,
    PlanStatus,
    RentCall,
    RentSettings,
    StepKind,
    StepStatus,
)

LADDER = [StepKind.REMINDER, StepKind.CALL, StepKind.PLAN_PROPOSAL, StepKind.FSL, StepKind.CCAPEX]
STEP_INTERVAL_DAYS = 30
HISTORY_MONTHS = 12
PURPOSE_REMINDER = "rent.reminder"


def leases_in_arrears(organisation, today: dt.date) -> dict[int, int]:
    """{lease id: debt in cents} of the leases in arrears by ``rules.in_arrears``, from their
    calls of the last ``HISTORY_MONTHS`` months (one query for the candidates, one for their
    calls)."""
    since = rules.add_months(today.replace(day=1), -HISTORY_MONTHS)
    debts = dict(
        RentCall.objects.for_organisation(organisation)
        .values_list("lease_id")
        .annotate(debt=Sum("amount_cents") - Sum("paid_cents"))
        .filter(debt__gt=0)
        .order_by()
    )
    by_lease = defaultdict(list)
    calls = (
        RentCall.objects.filter(lease_id__in=list(debts), month__gte=since, month__lte=today)
        .order_by("lease_id", "month")
        .values_list(
            "lease_id",
            "month",
            "amount_cents",
            "paid_cents",
            "rent_cents",
            "charges_cents",
            "benefit_cents",
        )
    )
    for lease_id, month, amount, paid, rent, charges, benefit in calls.iterator(chunk_size=5000):
        by_lease[lease_id].append(rules.CallState(month, amount, paid, rent + charges, benefit))
    return {
        lease_id: debts[lease_id]
        for lease_id, states in by_lease.items()
        if rules.in_arrears(states)
    }


def _next_kind(done: list[str]) -> str | None:
    for kind in LADDER:
        if kind not in done:
            return kind
    return None


def dunning_run(*, organisation, today: dt.date) -> dict:
    """The daily automatic follow-up of one organisation. Returns {"steps", "support",
    "suspended"}: steps created on the ladder, or (switch on) supportive contacts created."""
    suspended = current_crisis_state(organisation).dunning_suspended
    arrears = leases_in_arrears(organisation, today)
    recent = today - dt.timedelta(days=STEP_INTERVAL_DAYS)
    history = defaultdict(list)
    busy = set()
    for lease_id, kind, status, created_on in (
        CollectionStep.objects.for_organisation(organisation)
        .filter(lease_id__in=list(arrears))
        .values_list("lease_id", "kind", "status", "created_on")
    ):
        history[lease_id].append(kind)
        if status == StepStatus.TODO or created_on > recent:
            busy.add(lease_id)
    steps = []
    for lease_id, debt in arrears.items():
        if lease_id in busy:
            continue
        kind = StepKind.SUPPORT if suspended else _next_kind(history[lease_id])
        if kind is None or (suspended and StepKind.SUPPORT in history[lease_id]):
            continue
        steps.append(
            CollectionStep(
                organisation=organisation,
                lease_id=lease_id,
                kind=kind,
                created_on=today,
                automatic=True,
                balance_cents=debt,
                note=_("Dunning suspended (crisis): call to offer help.") if suspended else "",
            )
        )
    with transaction.atomic():
        CollectionStep.objects.bulk_create(steps)
        reminders = [s for s in steps if s.kind == StepKind.REMINDER]
        _send_reminders(organisation, reminders)
        if steps or suspended:
            audit.record(
                organisation=organisation,
                actor=None,
                action="rent.dunning_suspended_run" if suspended else "rent.dunning_run",
                changes={"steps": len(steps), "in_arrears": len(arrears)},
            )
    return {
        "steps": 0 if suspended else len(steps),
        "support": len(steps) if suspended else 0,
        "suspended": suspended,
    }


def _send_reminders(organisation, reminders) -> None:
    """Queue the reminder messages of the new automatic reminder steps (a letter to print
    when the household has no usable address: the step stays to do)."""
    leases = Lease.objects.select_related("household").in_bulk([s.lease_id for s in reminders])
    for step in reminders:
        lease = leases[step.lease_id]
        amount = f"{step.balance_cents / 100:.2f}".replace(".", ",")
        message = notify_household(
            organisation=organisation,
            household=lease.household,
            subject=_("Your rent: an amount is still due"),
            body=_(
                "Hello,\n\nOur records show %(amount)s € still due on your lease %(lease)s. "
                "If you have difficulties, call us: we can agree a payment plan or help you "
                "apply for the housing solidarity fund (FSL).\n"
            )
            % {"amount": amount, "lease": lease.reference},
            purpose=PURPOSE_REMINDER,
            dedupe_key=f"rent-reminder-{lease.pk}-{step.created_on.isoformat()}",
        )
        if message is not None:
            CollectionStep.objects.filter(pk=step.pk).update(status=StepStatus.DONE)


def on_dunning_switch(*, organisation, actor, on: bool) -> None:
    """Listener of ``dunning_suspended``: switched on, the open automatic steps become
    supportive contacts (no letter leaves); either way the flip is logged with its count."""
    converted = 0
    if on:
        converted = (
            CollectionStep.objects.for_organisation(organisation)
            .filter(automatic=True, status=StepStatus.TODO)
            .exclude(kind=StepKind.SUPPORT)
            .update(
                kind=StepKind.SUPPORT, note=_("Dunning suspended (crisis): call to offer help.")
            )
        )
    audit.record(
        organisation=organisation,
        actor=actor,
        action="rent.dunning_suspended" if on else "rent.dunning_resumed",
        changes={"converted": converted},
    )


def step_record(*, organisation, actor, lease, kind: str, on: dt.date, note: str = ""):
    """A step done by staff. A court action needs a CCAPEX referral at least two months
    before (article 24 loi 89-462) and, being an eviction step, a date outside the truce."""
    if lease.organisation_id != organisation.pk:
        raise ValidationError({"lease": _("This lease is not yours.")})
    if kind == StepKind.COURT:
        ccapex = (
            CollectionStep.objects.filter(lease=lease, kind=StepKind.CCAPEX, status=StepStatus.DONE)
            .order_by("created_on")
            .values_list("created_on", flat=True)
            .first()
        )
        allowed = rules.court_allowed_from(ccapex)
        if allowed is None or on < allowed:
            raise ValidationError(
                {"kind": _("A court action needs a CCAPEX referral at least two months before.")}
            )
        conf, _created = RentSettings.objects.get_or_create(organisation=organisation)
        start = (conf.truce_start_month, conf.truce_start_day)
        end = (conf.truce_end_month, conf.truce_end_day)
        if rules.in_truce(on, start, end):
            raise ValidationError({"kind": _("No eviction step during the winter truce.")})
    with transaction.atomic():
        step = CollectionStep.objects.create(
            organisation=organisation,
            lease=lease,
            kind=kind,
            status=StepStatus.DONE,
            created_on=on,
            note=note,
            balance_cents=lease_balance(lease.pk),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit.record(
            organisation=organisation,
            actor=actor,
            action="rent.step_recorded",
            obj=step,
            changes={"kind": kind},
        )
    return step


def step_done(*, organisation, actor, step: CollectionStep) -> None:
    with transaction.atomic():
        CollectionStep.objects.filter(pk=step.pk, organisation=organisation).update(
            status=StepStatus.DONE
        )
        audit.record(organisation=organisation, actor=actor, action="rent.step_done", obj=step)


def lease_balance(lease_id: int) -> int:
    """What the lease owes in cents (calls − payments; negative is a credit)."""
    due = RentCall.objects.filter(lease_id=lease_id).aggregate(s=Sum("amount_cents"))["s"] or 0
    paid = Payment.objects.filter(lease_id=lease_id).aggregate(s=Sum("amount_cents"))["s"] or 0
    return due - paid


def plan_create(*, organisation, actor, lease, instalments: int, first_due: dt.date, today=None):
    """A payment plan for the lease's whole debt today, in ``instalments`` monthly instalments
    (the last takes the remainder of the division)."""
    debt = lease_balance(lease.pk)
    if lease.organisation_id != organisation.pk:
        raise ValidationError({"lease": _("This lease is not yours.")})
    if debt <= 0:
        raise ValidationError({"lease": _("This lease owes nothing: no plan to agree.")})
    if not 1 <= instalments <= 60:
        raise ValidationError({"instalments": _("Between 1 and 60 instalments.")})
    each = debt // instalments
    with transaction.atomic():
        plan = PaymentPlan.objects.create(
            organisation=organisation,
            lease=lease,
            created_on=today or timezone.localdate(),
            debt_cents=debt,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        Instalment.objects.bulk_create(
            Instalment(
                plan=plan,
                due_on=rules.add_months(first_due, i),
                amount_cents=each if i < instalments - 1 else debt - each * (instalments - 1),
            )
            for i in range(instalments)
        )
        audit.record(
            organisation=organisation,
            actor=actor,
            action="payment_plan.created",
            obj=plan,
            changes={"debt_cents": debt, "instalments": instalments},
        )
    return plan


def plan_states(plan: PaymentPlan) -> list[rules.InstalmentState]:
    """The plan's instalments with what covers them: payments since the plan's date minus
    the calls of the months after it (``rules.plan_progress``)."""
    paid = (
        Payment.objects.filter(lease_id=plan.lease_id, received_on__gt=plan.created_on).aggregate(
            s=Sum("amount_cents")
        )["s"]
        or 0
    )
    called = (
        RentCall.objects.filter(lease_id=plan.lease_id, month__gt=plan.created_on).aggregate(
            s=Sum("amount_cents")
        )["s"]
        or 0
    )
    return rules.plan_progress(
        [(i.due_on, i.amount_cents) for i in plan.instalments.all()], paid - called
    )


def plans_follow_up(*, organisation, today: dt.date) -> int:
    """Daily: a call step for each running plan with a newly missed instalment; a plan fully
    covered is completed. Returns the number of follow-ups created."""
    created = 0
    plans = PaymentPlan.objects.for_organisation(organisation).filter(status=PlanStatus.ACTIVE)
    for plan in plans.prefetch_related("instalments"):
        states = plan_states(plan)
        if states and all(s.paid for s in states):
            PaymentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.COMPLETED)
            continue
        missed_dates = {s.due_on for s in rules.missed(states, today)}
        fresh = [
            i
            for i in plan.instalments.all()
            if i.due_on in missed_dates and not i.missed_followed_up
        ]
        if not fresh:
            continue
        with transaction.atomic():
            Instalment.objects.filter(pk__in=[i.pk for i in fresh]).update(missed_followed_up=True)
            CollectionStep.objects.create(
                organisation=organisation,
                lease_id=plan.lease_id,
                kind=StepKind.CALL,
                created_on=today,
                automatic=True,
                balance_cents=lease_balance(plan.lease_id),
                note=_("Missed payment-plan instalment: call the household."),
            )
            audit.record(
                organisation=organisation,
                actor=None,
                action="payment_plan.instalment_missed",
                obj=plan,
                changes={"instalments": len(fresh)},
            )
        created += 1
    return created
