"""Approval from home: decisions by level, delegation when an approver is absent, a reason
for each rejection, every step audited (issue 13 §2).

Rules: each level is held by the members whose role is that level (technician, manager,
director), or by the delegate of one of them between the delegation's dates (Europe/Paris,
both included). One person decides at most one level of an invoice (four eyes), whether in
their own role or by delegation.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import Membership

from .models import Approval, Decision, Delegation, Invoice, Level, Status
from .selectors import levels_held


class ApprovalRefused(PermissionError):
    """This person may not take this decision now; the message says why."""


def _role(organisation, user) -> str:
    membership = Membership.objects.filter(
        organisation=organisation, user=user, is_active=True
    ).first()
    return membership.role if membership else ""


def _locked(organisation, invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).get(
        pk=invoice.pk, organisation=organisation
    )


def _capacity(organisation, actor, invoice: Invoice, today: dt.date):
    """The user this actor decides for (None: themselves) at the invoice's next level."""
    if invoice.status != Status.PENDING:
        raise ApprovalRefused(
            _("This invoice is not awaiting approval (%(status)s).")
            % {"status": invoice.get_status_display()}
        )
    held = levels_held(organisation, actor, _role(organisation, actor), today)
    if invoice.next_level not in held:
        raise ApprovalRefused(
            _("This invoice awaits the %(level)s's approval, which you do not hold today.")
            % {"level": Level(invoice.next_level).label.lower()}
        )
    if invoice.approvals.filter(actor=actor).exists():
        raise ApprovalRefused(
            _(
                "You have already approved this invoice at another level: "
                "a second person must decide."
            )
        )
    return held[invoice.next_level]


def invoice_approve(
    *, organisation, actor, invoice: Invoice, today: dt.date | None = None
) -> Invoice:
    """Approves the invoice's next level; the last level makes it approved (to pay)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        invoice = _locked(organisation, invoice)
        on_behalf_of = _capacity(organisation, actor, invoice, today)
        level = invoice.next_level
        Approval.objects.create(
            organisation=organisation,
            invoice=invoice,
            level=level,
            decision=Decision.APPROVED,
            actor=actor,
            on_behalf_of=on_behalf_of,
            at=timezone.now(),
        )
        remaining = invoice.levels[invoice.levels.index(level) + 1 :]
        invoice.next_level = remaining[0] if remaining else ""
        invoice.status = Status.PENDING if remaining else Status.APPROVED
        invoice.save(update_fields=["next_level", "status"])
        audit.record(
            action="invoice.approved",
            organisation=organisation,
            actor=actor,
            obj=invoice,
            changes={
                "level": level,
                "on_behalf_of": on_behalf_of.get_full_name() if on_behalf_of else "",
                "status": invoice.status,
            },
        )
    return invoice


def invoice_reject(
    *, organisation, actor, invoice: Invoice, reason: str, today: dt.date | None = None
) -> Invoice:
    """Rejects the invoice at its next level, with the reason the supplier will be told."""
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalRefused(_("Say why the invoice is rejected."))
    today = today or timezone.localdate()
    with transaction.atomic():
        invoice = _locked(organisation, invoice)
        on_behalf_of = _capacity(organisation, actor, invoice, today)
        level = invoice.next_level
        Approval.objects.create(
            organisation=organisation,
            invoice=invoice,
            level=level,
            decision=Decision.REJECTED,
            actor=actor,
            on_behalf_of=on_behalf_of,
            reason=reason[:500],
            at=timezone.now(),
        )
        invoice.status = Status.REJECTED
        invoice.next_level = ""
        invoice.save(update_fields=["next_level", "status"])
        audit.record(
            action="invoice.rejected",
            organisation=organisation,
            actor=actor,
            obj=invoice,
            changes={
                "level": level,
                "reason": reason[:500],
                "on_behalf_of": on_behalf_of.get_full_name() if on_behalf_of else "",
            },
        )
    return invoice


def delegation_create(
    *,
    organisation,
    actor,
    delegator,
    delegate,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
) -> Delegation:
    """Records that ``delegate`` approves for ``delegator`` from ``starts_on`` to ``ends_on``
    (both included). Approvers record their own; the director records anyone's. The
    delegate must be an approver of the organisation too (accountants who key invoices do
    not approve them)."""
    if delegator != actor and _role(organisation, actor) != Level.DIRECTOR:
        raise ApprovalRefused(_("Only the director records a delegation for someone else."))
    if _role(organisation, delegator) not in Level.values:
        raise ApprovalRefused(
            _("%(name)s approves no invoices: there is nothing to delegate.")
            % {"name": delegator.get_full_name() or delegator.username}
        )
    if _role(organisation, delegate) not in Level.values:
        raise ApprovalRefused(
            _("The delegate must be a technician, a manager or the director of the organisation.")
        )
    if delegate == delegator:
        raise ApprovalRefused(_("Choose someone else as delegate."))
    if ends_on < starts_on:
        raise ApprovalRefused(_("The delegation must end on or after its first day."))
    if ends_on < timezone.localdate():
        raise ApprovalRefused(_("This delegation would already be over."))
    with transaction.atomic():
        delegation = Delegation.objects.create(
            organisation=organisation,
            delegator=delegator,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note[:200],
            created_by=actor,
        )
        audit.record(
            action="delegation.created",
            organisation=organisation,
            actor=actor,
            obj=delegation,
            changes={
                "delegator": delegator.get_full_name(),
                "delegate": delegate.get_full_name(),
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
    return delegation


def delegation_revoke(*, organisation, actor, delegation: Delegation) -> None:
    if delegation.delegator != actor and _role(organisation, actor) != Level.DIRECTOR:
        raise ApprovalRefused(_("Only the absent approver or the director ends a delegation."))
    with transaction.atomic():
        updated = Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit.record(
                action="delegation.revoked", organisation=organisation, actor=actor, obj=delegation
            )
