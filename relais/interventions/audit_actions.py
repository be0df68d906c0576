"""Audit actions of interventions: requests, their triage and the crisis whitelist, categories
and response targets."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link, sensitive

from .models import RequestSource

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
