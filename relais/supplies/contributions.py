"""What supplies adds to core's registries (called from ``SuppliesConfig.ready()``):

- menu (group "management"): stock, purchase orders, pooled orders;
- manager: the locations with an item below their days-of-cover threshold (three queries,
  ``stock.selectors.locations_below``);
- federation analyst: the federation's open pooled orders, and the members that have not
  declared their needs in them (three queries each);
- the situation report's figure ``supplies.days_of_cover`` (continuity's registry).
"""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.continuity import report
from relais.core import home, navigation
from relais.core.roles import Role

from .models import Location
from .pooled import selectors as pooled
from .stock import selectors as stock


def under_threshold_card(ctx: home.HomeContext) -> home.Card:
    rows = stock.locations_below(ctx.organisation, ctx.today)
    return home.Card(
        key="supplies.under_threshold",
        title=_("Protective equipment running low"),
        count=len(rows),
        empty=_(
            "Locations whose equipment lasts fewer days than their threshold will appear here."
        ),
        url=reverse("supplies:stock"),
        link_label=_("Stock and days of cover"),
        rows=[
            home.CardRow(
                row.location.name,
                ", ".join(
                    ngettext("%(item)s: %(days)d day", "%(item)s: %(days)d days", cell.days)
                    % {"item": cell.item, "days": cell.days}
                    for cell in row.below[:3]
                ),
                url=reverse("supplies:location_detail", args=[row.location.pk]),
                tone="danger" if row.shortest.days == 0 else "warning",
            )
            for row in rows[: home.ROWS]
        ],
    )


def _deadline(campaign) -> str:
    return _("needs due by %(day)s") % {
        "day": formats.date_format(campaign.deadline, "SHORT_DATE_FORMAT")
    }


def open_campaigns_card(ctx: home.HomeContext) -> home.Card:
    campaigns = [c for c in pooled.campaign_list(ctx.organisation) if c.status == "open"]
    return home.Card(
        key="supplies.open_campaigns",
        title=_("Open pooled orders"),
        count=len(campaigns),
        empty=_("The pooled orders open to the members' needs will appear here."),
        url=reverse("supplies:campaign_list"),
        link_label=_("All pooled orders"),
        rows=[
            home.CardRow(
                c.title,
                _deadline(c),
                url=reverse("supplies:campaign_detail", args=[c.pk]),
            )
            for c in campaigns[: home.ROWS]
        ],
    )


def unanswered_card(ctx: home.HomeContext) -> home.Card:
    pairs = pooled.unanswered(ctx.organisation)
    return home.Card(
        key="supplies.unanswered",
        title=_("Members without needs declared"),
        count=len(pairs),
        empty=_(
            "Members that have not declared their needs in an open pooled order will appear here."
        ),
        url=reverse("supplies:campaign_list"),
        link_label=_("All pooled orders"),
        rows=[
            home.CardRow(
                member.name,
                f"{campaign.title} – {_deadline(campaign)}",
                url=reverse("supplies:campaign_detail", args=[campaign.pk]),
            )
            for member, campaign in pairs[: home.ROWS]
        ],
    )


def days_of_cover_figure(organisation, day) -> int | None:
    """The situation report's figure: the shortest whole days of cover, over the items used,
    of the organisation's stock across its active locations (``stock.selectors.overall``);
    None when it keeps no stock location (supplies not in use) or uses no item. Figures only:
    no location or person named. Five queries (``stock.selectors.cover``)."""
    if not Location.objects.for_organisation(organisation).filter(is_active=True).exists():
        return None
    days = [
        cell.days for cell in stock.overall(stock.cover(organisation, day)) if cell.days is not None
    ]
    return min(days) if days else None


def register_menu() -> None:
    entries = [
        (gettext_lazy("Protective equipment"), "supplies:stock", "supplies.view", 30),
        (gettext_lazy("Equipment orders"), "supplies:order_list", "supplies.order", 31),
        (gettext_lazy("Pooled orders"), "supplies:campaign_list", "supplies.campaign_view", 32),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("management", label, url_name, ability=ability, order=order)


def register() -> None:
    register_menu()
    home.register_card(
        "supplies.under_threshold", roles={Role.MANAGER}, order=60, build=under_threshold_card
    )
    home.register_card(
        "supplies.open_campaigns",
        roles={Role.FEDERATION_ANALYST},
        order=10,
        build=open_campaigns_card,
    )
    home.register_card(
        "supplies.unanswered", roles={Role.FEDERATION_ANALYST}, order=20, build=unanswered_card
    )
    home.register_link(
        "supplies:stock", gettext_lazy("Protective equipment"), ability="supplies.view", order=70
    )
    report.register_figure(
        "supplies.days_of_cover",
        gettext_lazy("Protective equipment: days of cover"),
        days_of_cover_figure,
        capability="supplies",
        unit="days",
        order=46,
    )
