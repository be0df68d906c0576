"""Audit actions of work sites: sites, companies, the protocol and its checklist, stops and
signed restarts, gate links and readings of the gate log."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link

from .models import SiteStatus

STATUS = Detail(_("status"), dict(SiteStatus.choices))

action("worksite.created", _("Work site created"), status=STATUS)
action("worksite.updated", _("Work site changed"), fields=_("fields"))
action("worksite.company_added", _("Company added to a work site"), trade=_("trade"))
action("worksite.company_updated", _("Company of a work site changed"), trade=_("trade"))
action("worksite.started", _("Work site started"), actual_start=_("actual start"))
action("worksite.completed", _("Work site completed"), actual_end=_("actual end"))
action("worksite.stopped", _("Work site stopped"), status=STATUS, note=_("reason"))
action("worksite.stopped_by_switch", _("Running work sites stopped (crisis)"), count=_("sites"))
action(
    "worksite.restart_preparation_opened",
    _("Stopped work sites preparing their restart"),
    count=_("sites"),
)
action("worksite.restart_preparation", _("Work site preparing its restart"))
action(
    "worksite.measure_done",
    _("Sanitary measure done"),
    done_on=_("done on"),
    evidence=_("evidence attached"),
)
action("worksite.measure_reopened", _("Sanitary measure reopened"))
action(
    "worksite.restart_signed",
    _("Work site restart signed"),
    restarted_on=_("restarted on"),
    stopped_on=_("stopped on"),
)
action("worksite.gate_link_created", _("Gate link created"), expires_at=_("expires at"))
action("worksite.gate_link_revoked", _("Gate link closed"))
action("worksite.access_log_viewed", _("Gate log opened (health self-checks)"), day=_("day"))
action(
    "worksite.gate_log_purged",
    _("Old gate self-checks deleted"),
    count=_("entries"),
    before=_("older than"),
)
action("worksite.protocol_saved", _("Sanitary protocol changed"), count=_("measures"))

object_link("worksites.worksite", "worksites:site_detail", "worksite.view")
