"""Audit actions of rent: runs, payments, statements, dunning and payment plans."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action

action("rent_run.started", _("Rent run started"), month=_("month"))
action("rent_run.finished", _("Rent run finished"), month=_("month"), calls=_("calls"))
action(
    "payment.recorded", _("Payment recorded"), amount_cents=_("amount (cents)"), lease=_("lease")
)
action("payment.matched", _("Payment matched to a lease"), lease=_("lease"))
action(
    "rent.bank_statement_imported",
    _("Bank statement imported (rent payments)"),
    lines=_("lines"),
    matched=_("matched"),
)
action(
    "direct_debit.generated", _("Direct-debit file generated"), month=_("month"), count=_("debits")
)
action(
    "rent.dunning_run",
    _("Automatic rent follow-up"),
    steps=_("steps"),
    in_arrears=_("leases in arrears"),
)
action(
    "rent.dunning_suspended_run",
    _("Rent follow-up while dunning is suspended"),
    steps=_("supportive calls"),
    in_arrears=_("leases in arrears"),
)
action("rent.dunning_suspended", _("Automatic dunning suspended"), converted=_("steps converted"))
action("rent.dunning_resumed", _("Automatic dunning resumed"), converted=_("steps converted"))
action("rent.step_recorded", _("Arrears step recorded"), kind=_("step"))
action("rent.step_done", _("Arrears step done"))
action(
    "payment_plan.created",
    _("Payment plan agreed"),
    debt_cents=_("debt (cents)"),
    instalments=_("instalments"),
)
action(
    "payment_plan.instalment_missed",
    _("Payment-plan instalment missed"),
    instalments=_("instalments"),
)
action("rent.channels_offered", _("Other ways to pay offered"), households=_("households"))
action("rent.notices_sent", _("Rent notices e-mailed"), count=_("messages"))
action("rent.settings_changed", _("Rent settings changed"))
action("mandate.created", _("Direct-debit mandate recorded"))
action(
    "rent_terms.saved",
    _("Rent terms of a lease saved"),
    valid_from=_("from"),
    new=_("new terms"),
    rent_cents=_("base rent (cents)"),
    charges_cents=_("charges provision (cents)"),
    rls_cents=_("RLS (cents)"),
    benefit_changed=_("housing benefit changed"),
)
action(
    "rent.mandate_forms_printed",
    _("SEPA mandate forms printed for cash payers"),
    leases=_("leases"),
    with_letter=_("with the letter"),
)
