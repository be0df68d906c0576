"""Every indicator the federation collects, registered once (``FederationConfig.ready``).

Members keep the figures of a capability they do not run in Relais elsewhere: they submit
them (form or CSV) under the same keys.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from . import computes as c
from .registry import register, register_capability


def _model(label):
    return apps.get_model(label)


# Every status that is neither on site nor telework reads "absent" outside the member (sick and
# isolating are health data: never told apart).
ABSENT = ["sick", "isolating", "childcare", "leave", "absent"]

# (key, label, model whose rows mean the capability is in use, changed)
CAPABILITIES = (
    (
        "interventions",
        _("Interventions"),
        "interventions.InterventionRequest",
        c.interventions_changed,
    ),
    ("proximity", _("Caretakers' rounds"), "proximity.RoundTemplate", c.proximity_changed),
    (
        "outreach",
        _("Outreach to vulnerable tenants"),
        "outreach.RegisterEntry",
        c.outreach_changed,
    ),
    ("allocation", _("Allocation"), "allocation.Commission", c.allocation_changed),
    ("supplies", _("Protective equipment"), "supplies.Movement", None),
    ("rent", _("Rent"), "rent.RentCall", c.rent_changed),
    ("continuity", _("Staff availability"), "continuity.StaffMember", c.continuity_changed),
    ("worksites", _("Work sites"), "worksites.WorkSite", c.worksites_changed),
)
# Stock movements have no change timestamp but are append-only: a watermark of their ids.
WATERMARKS = {
    "supplies": {"watermark": c.supplies_watermark, "changed_after": c.supplies_changed_after}
}
# (key, label, unit, capability, compute, regional aggregate, counts people or homes)
INDICATORS = (
    (
        "interventions.urgent",
        _("Urgent requests received"),
        "count",
        "interventions",
        c.urgent_requests,
        "sum",
        True,
    ),
    (
        "interventions.sla",
        _("Work orders done on time"),
        "percent",
        "interventions",
        c.sla,
        "weighted",
        False,
    ),
    (
        "proximity.rounds",
        _("Rounds carried out"),
        "percent",
        "proximity",
        c.rounds_coverage,
        "weighted",
        False,
    ),
    (
        "outreach.calls",
        _("Calls to vulnerable tenants"),
        "count",
        "outreach",
        c.calls,
        "sum",
        True,
    ),
    (
        "outreach.coverage",
        _("People on the register reached"),
        "percent",
        "outreach",
        c.register_coverage,
        "weighted",
        True,
    ),
    (
        "allocation.sessions",
        _("Commission sessions held"),
        "count",
        "allocation",
        c.commissions_held,
        "sum",
        False,
    ),
    (
        "allocation.allocations",
        _("Dwellings allocated"),
        "count",
        "allocation",
        c.allocations,
        "sum",
        True,
    ),
    (
        "allocation.first_quartile",
        _("Leases signed with first-quartile households"),
        "percent",
        "allocation",
        c.first_quartile_share,
        "weighted",
        True,
    ),
    (
        "supplies.cover",
        _("Protective equipment: days of cover"),
        "days",
        "supplies",
        c.days_of_cover,
        "median",
        False,
    ),
    (
        "rent.collection",
        _("Rent collected for the month"),
        "percent",
        "rent",
        c.collection_rate,
        "weighted",
        True,
    ),
    ("rent.arrears", _("Arrears owed by tenants"), "cents", "rent", c.arrears, "sum", True),
    (
        "staff.on_site",
        _("Staff on site (a day)"),
        "count",
        "continuity",
        c.staff(["on_site"]),
        "sum",
        True,
    ),
    (
        "staff.telework",
        _("Staff teleworking (a day)"),
        "count",
        "continuity",
        c.staff(["telework"]),
        "sum",
        True,
    ),
    (
        "staff.absent",
        _("Staff absent (a day)"),
        "count",
        "continuity",
        c.staff(ABSENT),
        "sum",
        True,
    ),
    (
        "worksites.stopped",
        _("Work sites stopped"),
        "count",
        "worksites",
        c.sites("stopped_on"),
        "sum",
        False,
    ),
    (
        "worksites.restarted",
        _("Work sites restarted"),
        "count",
        "worksites",
        c.sites("restarted_on"),
        "sum",
        False,
    ),
)


def register_all() -> None:
    for key, label, model, changed in CAPABILITIES:
        register_capability(
            key, label, in_use=c.users(_model(model)), changed=changed, **WATERMARKS.get(key, {})
        )
    for order, (key, label, unit, capability, compute, aggregate, personal) in enumerate(
        INDICATORS
    ):
        register(
            key,
            label,
            unit=unit,
            capability=capability,
            compute=compute,
            aggregate=aggregate,
            personal=personal,
            order=order,
        )
