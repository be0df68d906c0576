"""Audit actions of supplies: stock movements and counts, locations, usage rates, purchase
orders and pooled orders."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action, object_link

action("stock.received", _("Equipment received"), item=_("item"), quantity=_("units"))
action("stock.issued", _("Equipment issued to staff"), item=_("item"), quantity=_("units"))
action(
    "stock.transferred",
    _("Equipment transferred"),
    item=_("item"),
    quantity=_("units"),
    destination=_("to"),
)
action("stock.counted", _("Inventory count"), items=_("items counted"), difference=_("difference"))
action("supplies_location.created", _("Stock location added"), headcount=_("headcount"))
action("supplies_location.changed", _("Stock location changed"), headcount=_("headcount"))
action("supplies_rates.changed", _("Equipment usage rates changed"), rates=_("rates"))
action("purchase_order.created", _("Equipment order recorded"), total_cents=_("total"))
action("supplies_campaign.opened", _("Pooled order opened"), lines=_("items"))
action("supplies_needs.declared", _("Needs declared for a pooled order"), units=_("units"))
action("supplies_campaign.ordered", _("Pooled order placed"), units=_("units"))
action("supplies_campaign.delivered", _("Pooled order delivered"), shares=_("shares"))
action(
    "supplies_share.allocated",
    _("Share of a pooled order allocated"),
    units=_("units"),
    cost_cents=_("cost"),
)

object_link("supplies.location", "supplies:location_detail", "supplies.view")
object_link("supplies.purchaseorder", "supplies:order_detail", "supplies.order")
object_link("supplies.campaign", "supplies:campaign_detail", "supplies.campaign_view")
