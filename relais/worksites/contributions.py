"""What work sites add to core's registries (from ``WorksitesConfig.ready()``): menu entries,
home cards, and what the "construction sites stopped" switch does."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.core import crisis, home, navigation
from relais.core.roles import Role
from relais.formats import long_date

from . import selectors, services


def _progress(site) -> str:
    # The count is the number before the noun (« 0 mesure obligatoire faite sur 11 »).
    text = ngettext(
        "%(done)d of %(total)d mandatory measure done",
        "%(done)d of %(total)d mandatory measures done",
        site.mandatory_done,
    )
    return text % {
        "done": site.mandatory_done,
        "total": site.mandatory_total,
    }


def to_restart_card(ctx: home.HomeContext) -> home.Card:
    """Managers and technicians: stopped sites and their protocol's progress (two queries)."""
    sites = selectors.to_restart(ctx.organisation)
    rows = list(sites.select_related(None)[: home.ROWS])
    return home.Card(
        key="worksites.to_restart",
        title=_("Work sites to restart"),
        count=sites.count(),
        empty=_("Stopped work sites will appear here with their sanitary protocol's progress."),
        url=reverse("worksites:site_list"),
        link_label=_("All work sites"),
        rows=[
            home.CardRow(
                site.name,
                _progress(site),
                url=reverse("worksites:site_detail", args=[site.pk]),
                tone="warning" if site.mandatory_done < site.mandatory_total else "",
            )
            for site in rows
        ],
    )


def to_sign_card(ctx: home.HomeContext) -> home.Card:
    """Director: stopped sites whose mandatory measures are all done, awaiting the signature
    (one query for the rows: the count is taken from them)."""
    ready = [
        site
        for site in selectors.to_restart(ctx.organisation)[:50]
        if site.mandatory_done >= site.mandatory_total
    ]
    return home.Card(
        key="worksites.to_sign",
        title=_("Restarts to sign"),
        count=len(ready),
        empty=_(
            "Work sites whose sanitary protocol is complete will wait for your signature here."
        ),
        url=reverse("worksites:site_list"),
        link_label=_("All work sites"),
        rows=[
            home.CardRow(
                site.name,
                _("stopped since %(day)s") % {"day": long_date(site.stopped_on)}
                if site.stopped_on
                else "",
                url=reverse("worksites:site_detail", args=[site.pk]),
            )
            for site in ready[: home.ROWS]
        ],
    )


def register() -> None:
    from . import federation_template

    federation_template.register()
    navigation.register_item(
        "management",
        gettext_lazy("Work sites"),
        "worksites:site_list",
        ability="worksite.view",
        order=60,
    )
    navigation.register_item(
        "management",
        gettext_lazy("Sanitary protocol"),
        "worksites:protocol",
        ability="worksite.protocol",
        order=61,
    )
    navigation.register_item(
        "federation",
        gettext_lazy("Regional work sites"),
        "worksites:regional",
        ability="worksite.regional_counts",
        order=60,
    )
    home.register_card(
        "worksites.to_restart",
        roles={Role.MANAGER, Role.TECHNICIAN},
        order=70,
        build=to_restart_card,
    )
    home.register_card("worksites.to_sign", roles={Role.DIRECTOR}, order=70, build=to_sign_card)
    crisis.register_effect(
        "worksites_stopped",
        gettext_lazy(
            "Running construction sites stop on the day; each restarts only when its sanitary "
            "protocol is done and the director has signed."
        ),
        capability="worksites",
    )
    crisis.register_switch_listener(
        "worksites_stopped", services.stop_all_running, capability="worksites"
    )
