"""Approval by level, delegation between dates, four eyes, rejection with a reason, audit."""

import datetime as dt

import pytest

from relais.core.models import AuditEvent
from relais.payables import approvals, services
from relais.payables.models import Approval, Delegation, Status

pytestmark = pytest.mark.usefixtures("in_english")

TODAY = dt.date(2026, 12, 1)


def _invoice(landlord, people, supplier, gross_cents=1_200_000, number="K-1"):
    vat = gross_cents // 6
    data = services.NewInvoice(
        supplier=supplier,
        number=number,
        source="keyed",
        issue_date=TODAY,
        received_on=TODAY,
        net_cents=gross_cents - vat,
        vat_cents=vat,
        gross_cents=gross_cents,
    )
    return services.invoice_create(organisation=landlord, actor=people["accountant"], data=data)


def test_two_levels_then_approved(landlord, people, supplier):
    invoice = _invoice(landlord, people, supplier)
    assert invoice.levels == ["technician", "manager"]
    with pytest.raises(approvals.ApprovalRefused, match="do not hold today"):
        approvals.invoice_approve(
            organisation=landlord, actor=people["manager"], invoice=invoice, today=TODAY
        )
    invoice = approvals.invoice_approve(
        organisation=landlord, actor=people["technician"], invoice=invoice, today=TODAY
    )
    assert (invoice.status, invoice.next_level) == (Status.PENDING, "manager")
    invoice = approvals.invoice_approve(
        organisation=landlord, actor=people["manager"], invoice=invoice, today=TODAY
    )
    assert (invoice.status, invoice.next_level) == (Status.APPROVED, "")
    assert (
        AuditEvent.objects.filter(action="invoice.approved", object_id=str(invoice.pk)).count() == 2
    )
    with pytest.raises(approvals.ApprovalRefused, match="not awaiting"):
        approvals.invoice_approve(
            organisation=landlord, actor=people["manager2"], invoice=invoice, today=TODAY
        )


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (dt.date(2026, 11, 30), False),  # the day before
        (dt.date(2026, 12, 1), True),  # first day
        (dt.date(2026, 12, 5), True),  # last day, included
        (dt.date(2026, 12, 6), False),  # the day after
    ],
)
def test_delegation_holds_between_its_dates(landlord, people, supplier, day, allowed):
    invoice = _invoice(landlord, people, supplier)
    approvals.invoice_approve(
        organisation=landlord, actor=people["technician"], invoice=invoice, today=TODAY
    )
    Delegation.objects.create(
        organisation=landlord,
        delegator=people["manager"],
        delegate=people["technician2"],
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 5),
        created_by=people["manager"],
    )
    if allowed:
        invoice = approvals.invoice_approve(
            organisation=landlord, actor=people["technician2"], invoice=invoice, today=day
        )
        assert invoice.status == Status.APPROVED
        decision = Approval.objects.get(invoice=invoice, level="manager")
        assert (decision.actor, decision.on_behalf_of) == (people["technician2"], people["manager"])
    else:
        with pytest.raises(approvals.ApprovalRefused):
            approvals.invoice_approve(
                organisation=landlord, actor=people["technician2"], invoice=invoice, today=day
            )


def test_a_revoked_delegation_no_longer_holds(landlord, people, supplier):
    invoice = _invoice(landlord, people, supplier)
    approvals.invoice_approve(
        organisation=landlord, actor=people["technician"], invoice=invoice, today=TODAY
    )
    delegation = approvals.delegation_create(
        organisation=landlord,
        actor=people["director"],
        delegator=people["manager"],
        delegate=people["technician2"],
        starts_on=dt.date.today(),
        ends_on=dt.date.today() + dt.timedelta(days=3),
    )
    approvals.delegation_revoke(
        organisation=landlord, actor=people["manager"], delegation=delegation
    )
    with pytest.raises(approvals.ApprovalRefused):
        approvals.invoice_approve(
            organisation=landlord, actor=people["technician2"], invoice=invoice
        )


def test_one_person_decides_one_level_only(landlord, people, supplier):
    """The technician approved level 1; a delegation from the manager does not let them
    approve level 2 as well."""
    invoice = _invoice(landlord, people, supplier)
    approvals.invoice_approve(organisation=landlord, actor=people["technician"], invoice=invoice)
    approvals.delegation_create(
        organisation=landlord,
        actor=people["manager"],
        delegator=people["manager"],
        delegate=people["technician"],
        starts_on=dt.date.today(),
        ends_on=dt.date.today(),
    )
    with pytest.raises(approvals.ApprovalRefused, match="second person"):
        approvals.invoice_approve(
            organisation=landlord, actor=people["technician"], invoice=invoice
        )


def test_delegation_rules(landlord, people):
    today = dt.date.today()
    with pytest.raises(approvals.ApprovalRefused, match="Only the director"):
        approvals.delegation_create(
            organisation=landlord,
            actor=people["technician"],
            delegator=people["manager"],
            delegate=people["technician2"],
            starts_on=today,
            ends_on=today,
        )
    with pytest.raises(approvals.ApprovalRefused, match="technician, a manager or the director"):
        approvals.delegation_create(
            organisation=landlord,
            actor=people["manager"],
            delegator=people["manager"],
            delegate=people["accountant"],
            starts_on=today,
            ends_on=today,
        )
    with pytest.raises(approvals.ApprovalRefused, match="on or after"):
        approvals.delegation_create(
            organisation=landlord,
            actor=people["manager"],
            delegator=people["manager"],
            delegate=people["manager2"],
            starts_on=today,
            ends_on=today - dt.timedelta(days=1),
        )


def test_rejection_needs_a_reason_and_ends_the_invoice(landlord, people, supplier):
    invoice = _invoice(landlord, people, supplier, gross_cents=120_000)
    with pytest.raises(approvals.ApprovalRefused, match="why"):
        approvals.invoice_reject(
            organisation=landlord, actor=people["technician"], invoice=invoice, reason="  "
        )
    invoice = approvals.invoice_reject(
        organisation=landlord,
        actor=people["technician"],
        invoice=invoice,
        reason="Travaux non conformes",
    )
    assert invoice.status == Status.REJECTED
    event = AuditEvent.objects.get(action="invoice.rejected", object_id=str(invoice.pk))
    assert event.changes["reason"] == "Travaux non conformes"


def test_above_the_managers_limit_the_director_decides_last(landlord, people, supplier):
    invoice = _invoice(landlord, people, supplier, gross_cents=6_000_000)
    for who in ("technician", "manager", "director"):
        invoice = approvals.invoice_approve(
            organisation=landlord, actor=people[who], invoice=invoice
        )
    assert invoice.status == Status.APPROVED


def test_the_page_says_why_a_delegate_who_approved_the_first_level_cannot_decide(
    landlord, people, supplier
):
    """The trial's case: the manager delegates to the technician who approved the first level;
    the page says a second person must decide instead of silently hiding the buttons."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    invoice = _invoice(landlord, people, supplier)
    approvals.invoice_approve(
        organisation=landlord, actor=people["technician"], invoice=invoice, today=today
    )
    approvals.delegation_create(
        organisation=landlord,
        actor=people["manager"],
        delegator=people["manager"],
        delegate=people["technician"],
        starts_on=today,
        ends_on=today,
    )
    client = Client()
    client.force_login(people["technician"])
    body = client.get(reverse("payables:invoice_detail", args=[invoice.pk])).content.decode()
    assert 'data-testid="second-person"' in body
    assert reverse("payables:invoice_approve", args=[invoice.pk]) not in body
    client.force_login(people["technician2"])
    body = client.get(reverse("payables:invoice_detail", args=[invoice.pk])).content.decode()
    assert 'data-testid="second-person"' not in body
