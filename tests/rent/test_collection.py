"""Arrears follow-up: the ladder, dunning suspended in crisis mode, CCAPEX before court,
payment plans and their missed instalments."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from relais.core import crisis
from relais.core.models import AuditEvent
from relais.core.outbox.models import OutboxMessage
from relais.core.services import crisis_mode_change
from relais.rent import collection, payments
from relais.rent.models import CollectionStep, Method, PlanStatus, RentCall, StepKind, StepStatus

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 10)


def _unpaid_months(organisation, lease, months, amount=33_000, benefit=20_000):
    for m in months:
        RentCall.objects.create(
            organisation=organisation,
            lease=lease,
            month=dt.date(2026, m, 1),
            days=30,
            month_days=30,
            rent_cents=45_000,
            charges_cents=8_000,
            benefit_cents=benefit,
            rls_cents=0,
            amount_cents=amount,
        )


def test_the_ladder_starts_with_a_reminder_sent_through_the_outbox(
    organisation, leases, django_capture_on_commit_callbacks
):
    _unpaid_months(organisation, leases["BAIL-A"], [9, 10, 11])
    _unpaid_months(organisation, leases["BAIL-B"], [11, 12])  # two only, benefit: not yet
    result = collection.dunning_run(organisation=organisation, today=TODAY)
    assert result == {"steps": 1, "support": 0, "suspended": False}
    step = CollectionStep.objects.get()
    assert (step.lease, step.kind, step.status) == (
        leases["BAIL-A"],
        StepKind.REMINDER,
        StepStatus.DONE,
    )
    message = OutboxMessage.objects.get()
    assert message.purpose == "rent.reminder" and "990,00" in message.body
    # The next day: nothing new (a step less than 30 days old).
    assert collection.dunning_run(organisation=organisation, today=TODAY)["steps"] == 0
    # A month later, the next step of the ladder: a call to make.
    later = collection.dunning_run(organisation=organisation, today=TODAY + dt.timedelta(31))
    assert later["steps"] == 1
    assert CollectionStep.objects.filter(kind=StepKind.CALL, status=StepStatus.TODO).exists()


def test_dunning_suspended_in_crisis_mode(organisation, leases, member_factory):
    director, _client = member_factory()
    _unpaid_months(organisation, leases["BAIL-A"], [9, 10, 11])
    _unpaid_months(organisation, leases["BAIL-C"], [9, 10, 11])
    CollectionStep.objects.create(
        organisation=organisation,
        lease=leases["BAIL-C"],
        kind=StepKind.CALL,
        created_on=TODAY,
        automatic=True,
    )
    assert any("relance" in line for line in crisis.effects("dunning_suspended"))
    crisis_mode_change(
        organisation=organisation,
        actor=director,
        mode="crisis",
        switches={"dunning_suspended": True},
    )
    # The open automatic call became a supportive contact; the flip is in the audit trail.
    assert CollectionStep.objects.get(lease=leases["BAIL-C"]).kind == StepKind.SUPPORT
    event = AuditEvent.objects.get(action="rent.dunning_suspended")
    assert event.changes == {"converted": 1}
    result = collection.dunning_run(organisation=organisation, today=TODAY)
    assert result == {"steps": 0, "support": 1, "suspended": True}
    support = CollectionStep.objects.get(lease=leases["BAIL-A"])
    assert (support.kind, support.status) == (StepKind.SUPPORT, StepStatus.TODO)
    assert not OutboxMessage.objects.exists()  # no reminder left
    assert AuditEvent.objects.filter(action="rent.dunning_suspended_run").exists()
    crisis_mode_change(
        organisation=organisation,
        actor=director,
        mode="restart",
        switches={"dunning_suspended": False},
    )
    assert AuditEvent.objects.filter(action="rent.dunning_resumed").exists()


def test_court_needs_ccapex_two_months_before_and_no_truce(organisation, leases, accountant):
    lease = leases["BAIL-A"]
    with pytest.raises(ValidationError, match="CCAPEX"):
        collection.step_record(
            organisation=organisation,
            actor=accountant,
            lease=lease,
            kind=StepKind.COURT,
            on=dt.date(2027, 5, 1),
        )
    collection.step_record(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        kind=StepKind.CCAPEX,
        on=dt.date(2027, 4, 2),
    )
    with pytest.raises(ValidationError, match="CCAPEX"):
        collection.step_record(
            organisation=organisation,
            actor=accountant,
            lease=lease,
            kind=StepKind.COURT,
            on=dt.date(2027, 6, 1),
        )
    collection.step_record(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        kind=StepKind.COURT,
        on=dt.date(2027, 6, 2),
    )
    with pytest.raises(ValidationError):  # in the truce
        collection.step_record(
            organisation=organisation,
            actor=accountant,
            lease=lease,
            kind=StepKind.COURT,
            on=dt.date(2027, 11, 15),
        )


def test_a_plan_with_a_missed_instalment_is_followed_up(organisation, leases, accountant):
    lease = leases["BAIL-A"]
    _unpaid_months(organisation, lease, [9, 10], amount=30_000)
    plan = collection.plan_create(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        instalments=3,
        first_due=dt.date(2026, 11, 5),
        today=dt.date(2026, 10, 20),
    )
    assert [i.amount_cents for i in plan.instalments.all()] == [20_000, 20_000, 20_000]
    _unpaid_months(organisation, lease, [11, 12], amount=30_000)
    # November: the rent and the first instalment paid; December: the rent only.
    payments.payment_record(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        amount_cents=50_000,
        received_on=dt.date(2026, 11, 4),
        method=Method.TRANSFER,
    )
    payments.payment_record(
        organisation=organisation,
        actor=accountant,
        lease=lease,
        amount_cents=30_000,
        received_on=dt.date(2026, 12, 4),
        method=Method.TRANSFER,
    )
    states = collection.plan_states(plan)
    assert [s.paid for s in states] == [True, False, False]
    assert collection.plans_follow_up(organisation=organisation, today=dt.date(2026, 12, 11)) == 1
    step = CollectionStep.objects.get(kind=StepKind.CALL)
    assert "Échéance du plan d’apurement manquée" in step.note
    # Followed up once only.
    assert collection.plans_follow_up(organisation=organisation, today=dt.date(2026, 12, 12)) == 0
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
