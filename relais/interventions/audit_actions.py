"""Audit actions of interventions: requests, their triage and the crisis whitelist, categories
and response targets; and the outbox purposes of its messages."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link, sensitive
from relais.core.outbox.purposes import register_purpose

from . import notify
from .models import RequestSource
from .on_call import notify as on_call_notify
from .work_orders import notify as work_order_notify

action(
    "intervention_request.created",
    _("Intervention request recorded"),
    source=Detail(_("source"), dict(RequestSource.choices)),
    photos=_("photos"),
)
action("intervention_request.status_changed", _("Intervention request moved on"), note=_("note"))
action("intervention_request.triaged", _("Intervention request triaged"))
action("intervention_request.called_back", _("Tenant called back about a request"))
action(
    "intervention_request.viewed",
    _("Intervention request opened (health answer shown)"),
    via=Detail(_("through"), {"web": _("the website"), "api": _("the API")}),
)
action(
    "intervention_requests.deferred",
    _("Requests deferred until the restart"),
    count=_("requests"),
)
action(
    "intervention_requests.released",
    _("Deferred requests returned to triage"),
    count=_("requests"),
    mean_wait_hours=_("mean wait (hours)"),
    max_wait_hours=_("longest wait (hours)"),
)
action("intervention_category.created", _("Intervention category added"))
action("intervention_category.changed", _("Intervention category changed"))
action("response_targets.changed", _("Response targets changed"))

object_link(
    "interventions.interventionrequest", "interventions:request_detail", "intervention.view"
)
object_link("interventions.category", "interventions:category_edit", "intervention.configure")

# "Someone ill or vulnerable in the home" is health data.
sensitive(
    "interventions.interventionrequest",
    ["vulnerable_present"],
    "intervention.view_sensitive",
)

# Contractors, work orders and the on-call rota ------------------------------------------------

action("contractor.created", _("Contractor added"))
action("contractor.changed", _("Contractor changed"), contacts=_("contacts"))
action("contractor.status_changed", _("Contractor's operating status changed"))
action(
    "work_order.created",
    _("Work order sent to a contractor"),
    contractor=_("contractor"),
    request=_("request"),
)
action("work_order.link_revoked", _("Contractor's link revoked"))
action("work_order.link_renewed", _("New link sent to the contractor"))
action("work_order.accepted", _("Work order accepted by the contractor"))
action("work_order.declined", _("Work order declined by the contractor"), reason=_("reason"))
action("work_order.scheduled", _("Visit proposed by the contractor"), slot=_("visit"))
action(
    "work_order.health_answered",
    _("Health questionnaire filled in with the tenant"),
    proceed=_("visit may go ahead"),
    risks=_("answers showing a risk"),
    emergency=_("maintained for the emergency"),
)
action("work_order.health_viewed", _("Work order opened (health questionnaire shown)"))
action("work_order.completed", _("Work order completed"), photos=_("photos"))
action(
    "on_call_shift.created",
    _("On-call shift planned"),
    person_name=_("name"),
    rank=_("order of call"),
)
action(
    "on_call_shift.changed",
    _("On-call shift changed"),
    person_name=_("name"),
    rank=_("order of call"),
)
action("on_call_shift.deleted", _("On-call shift removed"))
action("on_call_alert.acknowledged", _("On-call alert acknowledged"), person_name=_("name"))

object_link("interventions.contractor", "interventions:contractor_edit", "contractor.manage")
object_link("interventions.workorder", "interventions:work_order_detail", "intervention.view")
object_link("interventions.oncallshift", "interventions:on_call_edit", "on_call.plan")
# The questionnaire's answers concern the health of the people in the home.
sensitive(
    "interventions.workorder",
    ["health_answers", "risks", "proceed", "emergency"],
    "intervention.view_sensitive",
)

# Why interventions write to tenants, contractors and staff (the outbox page's labels).
register_purpose(notify.PURPOSE, _("Intervention request: status change"))
register_purpose(work_order_notify.PURPOSE_LINK, _("Work order and its link, to the contractor"))
register_purpose(work_order_notify.PURPOSE_REMINDER, _("Overdue work order reminder"))
register_purpose(work_order_notify.PURPOSE_ESCALATION, _("Overdue work order, to technicians"))
register_purpose(on_call_notify.PURPOSE, _("Urgent request, to the person on call"))
