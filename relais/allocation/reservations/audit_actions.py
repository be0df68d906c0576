"""Audit actions and outbox purposes of reservations (imported by allocation's
``audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action
from relais.core.outbox import register_purpose

action("reservation_agreement.saved", _("Reservation agreement saved"), fields=_("fields"))
action("vacancy_assignment.created", _("Vacancy assigned to a flow"), rule=_("rule"))
action(
    "vacancy_assignment.overridden",
    _("Vacancy assignment overridden"),
    reason=_("reason"),
)
action("vacancy_assignment.link_sent", _("Designation link sent to the holder"))
action("vacancy_assignment.link_revoked", _("Designation link revoked"))
action("vacancy_assignment.released", _("Reserved vacancy handed back to the landlord"))
action("vacancy_assignment.designated", _("Candidates designated by the holder"))
action("vacancy_assignment.to_agenda", _("Designated candidates put on an agenda"))
action("reservation_balance.exported", _("Reservation balance exported"))

register_purpose("reservation.designation_request", _("Request to designate candidates"))
