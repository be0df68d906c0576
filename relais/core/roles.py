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
    HR_OFFICER = "hr_officer", _("HR officer")
    # Outside roles, used by later capabilities; they see nothing of the housing stock.
    COMMISSION_MEMBER = "commission_member", _("Commission member (outside)")
    SOCIAL_PARTNER = "social_partner", _("Social-services partner (outside)")
    FEDERATION_ANALYST = "federation_analyst", _("Federation analyst (outside)")
    RESERVATION_HOLDER = "reservation_holder", _("Reservation holder (outside)")


OUTSIDE_ROLES = frozenset(
    {
        Role.COMMISSION_MEMBER,
        Role.SOCIAL_PARTNER,
        Role.FEDERATION_ANALYST,
        Role.RESERVATION_HOLDER,
    }
)
STAFF_ROLES = frozenset(Role) - OUTSIDE_ROLES

_R = Role
ABILITY_ROLES: dict[str, frozenset[str]] = {
    # Browse residences, buildings and dwellings.
    "housing.view": STAFF_ROLES,
    # Create and edit stock, households, occupants and leases.
    "housing.edit": frozenset({_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER}),
    "housing.import": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "housing.export": frozenset({_R.DIRECTOR, _R.MANAGER, _R.ACCOUNTANT}),
    # Households are personal data: not for technicians, nor for HR (who manage staff).
    "household.view": STAFF_ROLES - {_R.TECHNICIAN, _R.HR_OFFICER},
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
    # Federation analysts too: the read API of the regional indicators (issue 18).
    "api.use": STAFF_ROLES | {_R.FEDERATION_ANALYST},
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
    # Work sites (issue 16): those who run the landlord's building programmes.
    "worksite.view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.TECHNICIAN}),
    "worksite.edit": frozenset({_R.MANAGER, _R.TECHNICIAN}),
    # The restart under the sanitary protocol is the director's decision, signed.
    "worksite.sign_restart": frozenset({_R.DIRECTOR}),
    # The gate log holds each worker's health self-check: those who run the site only.
    "worksite.view_access": frozenset({_R.DIRECTOR, _R.MANAGER, _R.TECHNICIAN}),
    "worksite.protocol": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # How many sites each member has stopped and restarted: counts, for regional coordination.
    "worksite.regional_counts": frozenset({_R.FEDERATION_ANALYST, _R.DIRECTOR}),
    # Continuity (issue 14): the plan, staff availability and the daily situation report.
    # The plan, today's coverage and the staff directory (statuses masked, see below).
    "continuity.view": STAFF_ROLES,
    # Declare one's own day (on site, telework, absent…).
    "continuity.declare": STAFF_ROLES,
    # Declare the day of the people one manages.
    "continuity.declare_team": frozenset({_R.DIRECTOR, _R.MANAGER, _R.HR_OFFICER}),
    # Adopt and edit the plan: critical activities, minimum staffing, owners.
    "continuity.plan_edit": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Read the decision log and export it; write in it (directors take the decisions).
    "continuity.log_view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.HR_OFFICER}),
    "continuity.decide": frozenset({_R.DIRECTOR}),
    # The daily situation report (figures only).
    "continuity.report": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # The staff directory's entries: team, agency, manager, skills.
    "staff.manage": frozenset({_R.DIRECTOR, _R.HR_OFFICER}),
    # Sick, isolating and the "vulnerable staff" flag are health data: HR and the director
    # only, every reading audited; everyone else sees "absent".
    "staff.view_health": frozenset({_R.DIRECTOR, _R.HR_OFFICER}),
    # Protective equipment (issue 15): stock, days of cover, orders, pooled regional orders.
    "supplies.view": STAFF_ROLES,
    # Receive, issue to staff and transfer: those who hand out equipment on site.
    "supplies.move": frozenset({_R.MANAGER, _R.CARETAKER, _R.TECHNICIAN}),
    # An inventory count replaces the books by what is on the shelf: managers only.
    "supplies.count": frozenset({_R.MANAGER}),
    # Locations, thresholds, declared headcounts and usage rates.
    "supplies.configure": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "supplies.order": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Pooled orders: the members' buyers see the federation's campaigns and their own lines;
    # the federation's analysts run them and see every member's needs.
    "supplies.campaign_view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.FEDERATION_ANALYST}),
    "supplies.campaign_answer": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "supplies.campaign_run": frozenset({_R.FEDERATION_ANALYST}),
    # Caretakers' rounds (issue 9): the caretaker ticks the steps of the passages assigned to
    # them; managers plan rounds, caretakers and replacements, and read remarks and coverage.
    "round.do": frozenset({_R.CARETAKER}),
    "round.view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.CARETAKER}),
    "round.plan": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "round.coverage": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Broadcasts (issue 11): messages to groups of tenants by e-mail, SMS and letter.
    # Outreach callers write to the register (a heat-wave message): the only role that may
    # pick that segment, which needs ``outreach.view`` (messaging.segments).
    "broadcast.view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER, _R.OUTREACH_CALLER}),
    # Write and send a broadcast, download its letters (names and addresses).
    "broadcast.send": frozenset({_R.DIRECTOR, _R.MANAGER, _R.CUSTOMER_OFFICER, _R.OUTREACH_CALLER}),
    # The second person who approves a broadcast above the size threshold.
    "broadcast.approve": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Supplier invoices (issue 13): accountants key and pay, approvers (by amount) approve;
    # whoever keys an invoice does not approve it.
    "payables.view": frozenset({_R.ACCOUNTANT, _R.TECHNICIAN, _R.MANAGER, _R.DIRECTOR}),
    "payables.intake": frozenset({_R.ACCOUNTANT}),
    "payables.suppliers": frozenset({_R.ACCOUNTANT, _R.MANAGER}),
    "payables.approve": frozenset({_R.TECHNICIAN, _R.MANAGER, _R.DIRECTOR}),
    "payables.pay": frozenset({_R.ACCOUNTANT}),
    "payables.dashboard": frozenset({_R.ACCOUNTANT, _R.MANAGER, _R.DIRECTOR}),
    # Thresholds, budgets, payment deadline, the account paid from.
    "payables.configure": frozenset({_R.DIRECTOR}),
    # Budget lines: list, create, change; what approved invoices consume of them.
    "payables.budgets": frozenset({_R.DIRECTOR, _R.ACCOUNTANT}),
    # Outreach (issue 10): the vulnerable tenants register is for outreach roles only.
    "outreach.view": frozenset({_R.OUTREACH_CALLER}),
    # Health notes on the register: outreach roles only, every opening audited.
    "outreach.view_health": frozenset({_R.OUTREACH_CALLER}),
    # Call campaigns (scope, cadence, script, start and close): no personal data shown.
    "outreach.campaigns": frozenset({_R.DIRECTOR, _R.MANAGER, _R.OUTREACH_CALLER}),
    # Coverage, open needs by type, escalations, calls per caller: counts only.
    "outreach.dashboard": frozenset({_R.DIRECTOR, _R.MANAGER, _R.OUTREACH_CALLER}),
    # Following up the dashboard's alerts: the open needs and the referrals to social
    # services (names, needs, partner; read only for the director). Not the register nor
    # its health notes, which stay with the outreach roles (``outreach.view``).
    "outreach.follow_up": frozenset({_R.DIRECTOR, _R.OUTREACH_CALLER}),
    # The social-services partners (CCAS and other bodies) and their users.
    "outreach.partners": frozenset({_R.DIRECTOR, _R.MANAGER, _R.OUTREACH_CALLER}),
    # The caretaker's visit to a person not reached after three calls (name and address).
    "outreach.visit": frozenset({_R.CARETAKER, _R.OUTREACH_CALLER}),
    # A partner's own referrals only (its body is set by ``outreach.PartnerUser``).
    "outreach.partner_referrals": frozenset({_R.SOCIAL_PARTNER}),
    # The weekly rota of the callers on duty (names and weekdays; absences come from
    # continuity as "absent", never their reason).
    "outreach.rota": frozenset({_R.DIRECTOR, _R.MANAGER}),
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
    # Federation templates (issue 18, §4): the federation's analysts publish templates
    # (call script, letters, protocol…), its members' directors and managers adopt a copy.
    "federation.template_view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.FEDERATION_ANALYST}),
    "federation.template_publish": frozenset({_R.FEDERATION_ANALYST}),
    "federation.template_adopt": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Federation indicators (issue 18): numbers per member and week, never a person. The
    # analysts see every member of their federation; a member sees its own figures against
    # the regional median and sends the figures it keeps elsewhere.
    "federation.dashboard": frozenset({_R.FEDERATION_ANALYST}),
    "federation.remind": frozenset({_R.FEDERATION_ANALYST}),
    "federation.export": frozenset({_R.FEDERATION_ANALYST}),
    "federation.own_figures": frozenset({_R.DIRECTOR, _R.MANAGER}),
    "federation.submit": frozenset({_R.DIRECTOR, _R.MANAGER}),
    # Reservations (issue 17): the landlord's agreements with reservation holders, the flow
    # each ready vacancy is assigned to, the yearly balance and the overdue DALO households.
    "reservation.view": frozenset({_R.DIRECTOR, _R.MANAGER, _R.ALLOCATION_OFFICER}),
    # Write agreements, override an assignment (with a reason), send or revoke a holder's
    # link, hand a vacancy back after the deadline, put the designations on an agenda.
    "reservation.manage": frozenset({_R.DIRECTOR, _R.ALLOCATION_OFFICER}),
    # A holder's users: the vacancies assigned to their holder and their own designations.
    "reservation.designate": frozenset({_R.RESERVATION_HOLDER}),
}
ABILITIES = tuple(ABILITY_ROLES)


def abilities_for_role(role: str | None) -> dict[str, bool]:
    """Every ability name mapped to whether ``role`` has it (all False without a role)."""
    return {name: role in roles for name, roles in ABILITY_ROLES.items()}
