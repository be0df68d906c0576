"""Roles and what each may do: permissions are data, read by views, templates and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Director")
    MANAGER = "manager", _("Manager")
    ALLOCATION_OFFICER = "allocation_officer", _("Allocation officer")
    CUSTOMER_OFFICER = "customer_officer", _("Customer officer")
    CARETAKER = "caretaker", _("Caretaker (proximity agent)")
    TECHNICIAN = "technician", _("Technician")
    ACCOUNTANT = "accountant", _("Accountant")
    OUTREACH_CALLER = "outreach_caller", _("Outreach caller")
    READ_ONLY = "read_only", _("Read-only")
    # Outside roles, used by later capabilities; they see nothing of the housing stock.
    COMMISSION_MEMBER = "commission_member", _("Commission member (outside)")
    SOCIAL_PARTNER = "social_partner", _("Social-services partner (outside)")
    FEDERATION_ANALYST = "federation_analyst", _("Federation analyst (outside)")


OUTSIDE_ROLES = frozenset({Role.COMMISSION_MEMBER, Role.SOCIAL_PARTNER, Role.FEDERATION_ANALYST})
STAFF_ROLES = frozenset(Role) - OUTSIDE_ROLES

_R = Role
ABILITY_ROLES: dict[str, frozenset[str]] = {
    # Browse residences, buildings and dwellings.
    "housing.view": STAFF_ROLES,
    # Create and edit stock, households, occupants and leases.
    "housing.edit": frozenset({_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER}),
    "housing.import": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "housing.export": frozenset({_R.DIRECTOR, _R.MANAGER, _R.ACCOUNTANT}),
    # Households are personal data: not for technicians.
    "household.view": STAFF_ROLES - {_R.TECHNICIAN},
    # Health, disability, living alone and consents: only those who act on them.
    "household.view_sensitive": frozenset(
        {_R.ALLOCATION_OFFICER, _R.CUSTOMER_OFFICER, _R.OUTREACH_CALLER}
    ),
    # The housing benefit (APL) a household receives is a means-tested social benefit: those
    # who let, manage and allocate see it; caretakers, read-only members and accountants (who
    # reconcile totals, not households) do not — in pages, exports and the API alike.
    "lease.view_benefit": frozenset(
        {_R.DIRECTOR, _R.MANAGER, _R.ALLOCATION_OFFICER, _R.CUSTOMER_OFFICER}
    ),
    # Allocation: application files are sensitive (income, health, family situation).
    "allocation.view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.ALLOCATION_OFFICER}),
    "allocation.edit": frozenset({_R.MANAGER, _R.ALLOCATION_OFFICER}),
    "allocation.import": frozenset({_R.MANAGER, _R.ALLOCATION_OFFICER}),
    # Prepare commissions and sessions, publish letters.
    "commission.manage": frozenset({_R.DIRECTOR, _R.ALLOCATION_OFFICER}),
    # Record a commission's internal rules (remote sessions, quorum, decision rule, casting
    # vote): the landlord's management, not the officers who run the sessions.
    "commission.rules": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # The organisation's standard reasons printed in letters to applicants.
    "letters.reasons": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Eligibility simulator and income ceilings (read).
    "eligibility.simulate": STAFF_ROLES,
    "agency.edit": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "crisis.change": frozenset({_R.DIRECTOR}),
    # The public crisis notice (text, phone lines, on-call number, links).
    "crisis.notice_edit": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # The notes written with each mode change are internal: outside roles see the mode only.
    "crisis.view_notes": STAFF_ROLES,
    "organisation.manage": frozenset({_R.DIRECTOR}),
    "audit.view": frozenset({_R.DIRECTOR}),
    # Download the filtered audit trail (CSV); each export is itself audited.
    "audit.export": frozenset({_R.DIRECTOR}),
    "api.use": STAFF_ROLES,
    # The outbox (messages to tenants): who sent what and whether it arrived. Technicians
    # follow their requests' notices but, like for households, without the addresses.
    "outbox.view": frozenset(
        {_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER, _R.ALLOCATION_OFFICER, _R.TECHNICIAN}
    ),
    "outbox.view_recipients": frozenset(
        {_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER, _R.ALLOCATION_OFFICER}
    ),
    # Send a failed message again (after correcting the address on file, or the server).
    "outbox.retry": frozenset({_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER}),
    # Interventions (issue 8): requests name a household and its address, so not for every role.
    "intervention.view": frozenset(
        {_R.DIRECTOR, _R.MANAGER, _R.TECHNICIAN, _R.CUSTOMER_OFFICER, _R.CARETAKER}
    ),
    # Log a tenant's phone call as a request (the telework desk finds the household).
    "intervention.log_call": frozenset({_R.MANAGER, _R.CUSTOMER_OFFICER}),
    # Confirm a request's category and priority, defer it, close it.
    "intervention.triage": frozenset({_R.MANAGER, _R.TECHNICIAN}),
    # The category tree, the crisis whitelist and the response targets.
    "intervention.configure": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # "Someone ill or vulnerable in the home" is health data: those who act on it only.
    "intervention.view_sensitive": frozenset({_R.MANAGER, _R.TECHNICIAN, _R.CUSTOMER_OFFICER}),
    # Contractors: the company, its trades and sectors, its crisis operating status.
    "contractor.manage": frozenset({_R.DIRECTOR, _R.MANAGER, _R.TECHNICIAN}),
    # Send a request to a contractor (a work order and its link), revoke or renew the link.
    "work_order.dispatch": frozenset({_R.MANAGER, _R.TECHNICIAN}),
    # Plan the on-call rota (astreinte) of the agencies.
    "on_call.plan": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # The interventions dashboard: open urgent requests, SLA, deferred backlog.
    "intervention.dashboard": frozenset({_R.DIRECTOR, _R.MANAGER, _R.TECHNICIAN}),
    # Rent (issue 12): calls, payments, arrears and payment plans. Tenants' accounts are
    # personal data: staff who answer tenants or keep the books; the APL keeps its own ability.
    "rent.view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.ACCOUNTANT, _R.CUSTOMER_OFFICER}),
    # The monthly rent run, notices and receipts, the direct-debit file.
    "rent.run": frozenset({_R.DIRECTOR, _R.ACCOUNTANT}),
    # Enter payments, import bank statements, match the unmatched queue.
    "payment.record": frozenset({_R.ACCOUNTANT}),
    # Follow arrears: record steps (calls, FSL, CCAPEX, court), agree payment plans.
    "collection.manage": frozenset({_R.MANAGER, _R.ACCOUNTANT, _R.CUSTOMER_OFFICER}),
    # Collection rate and arrears by age (aggregates, no names).
    "rent.dashboard": frozenset({_R.DIRECTOR, _R.MANAGER, _R.ACCOUNTANT}),
    # The winter truce dates and the SEPA creditor.
    "rent.configure": frozenset({_R.DIRECTOR, _R.ACCOUNTANT}),
}
ABILITIES = tuple(ABILITY_ROLES)


def abilities_for_role(role: str | None) -> dict[str, bool]:
    """Every ability name mapped to whether ``role`` has it (all False without a role)."""
    return {name: role in roles for name, roles in ABILITY_ROLES.items()}
