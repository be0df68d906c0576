"""Audit actions of the housing stock, its households and their files."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link, sensitive

from .models import Occupant

KIND = Detail(
    _("data"), {"stock": _("housing stock"), "households": _("households"), "leases": _("leases")}
)
FORMAT = Detail(_("format"), {"csv": "CSV", "xlsx": "Excel (XLSX)"})

for entity, created, updated in [
    ("residence", _("Residence created"), _("Residence changed")),
    ("building", _("Building created"), _("Building changed")),
    ("dwelling", _("Dwelling created"), _("Dwelling changed")),
    ("household", _("Household created"), _("Household changed")),
    ("occupant", _("Occupant created"), _("Occupant changed")),
    ("lease", _("Lease started"), _("Lease changed")),
]:
    action(f"{entity}.created", created)
    action(f"{entity}.updated", updated)

action(
    "household.viewed",
    _("Household file opened"),
    via=Detail(_("through"), {"web": _("the website"), "api": _("the API")}),
    sensitive=_("sensitive data shown"),
)
action("housing.imported", _("Data imported"), kind=KIND, fields=_("fields"))
action("housing.exported", _("Data exported"), kind=KIND, format=FORMAT)
action("demo.seeded", _("Demonstration data created"))
action("demo.reset", _("Demonstration data reset"))

object_link("housing.residence", "housing:residence_detail", "housing.view")
object_link("housing.building", "housing:building_detail", "housing.view")
object_link("housing.dwelling", "housing:dwelling_detail", "housing.view")
object_link("housing.household", "housing:household_detail", "household.view")
object_link("housing.occupant", "housing:occupant_edit", "housing.edit")

# Health, disability, living alone and consent: as on the household's page.
sensitive("housing.occupant", Occupant.SENSITIVE_FIELDS, "household.view_sensitive")
# A household's income shows through the housing benefit the landlord receives.
sensitive("housing.lease", ["housing_benefit_cents"], "household.view_sensitive")
