"""What the library adds to core's registries from ``FederationConfig.ready()``: the menu
entry (federation group), the members' home card "new version available" (one query) and
the audit actions."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.core import home, navigation
from relais.core.roles import Role

from . import selectors


def outdated_card(ctx: home.HomeContext) -> home.Card | None:
    rows = selectors.outdated_for(ctx.organisation)
    if not rows:
        return None
    return home.Card(
        key="federation.templates_outdated",
        title=ngettext(
            "New version of a federation template",
            "New versions of federation templates",
            len(rows),
        ),
        count=len(rows),
        empty="",
        url=reverse("federation:library_list"),
        link_label=_("Federation templates"),
        rows=[
            home.CardRow(
                _("New version of %(title)s available") % {"title": row.template.title},
                _("you adopted version %(old)d, version %(new)d is out")
                % {"old": row.adopted, "new": row.template.latest_number},
                url=reverse("federation:library_detail", args=[row.template.pk]),
                tone="warning",
            )
            for row in rows[: home.ROWS]
        ],
    )


def register() -> None:
    from . import (
        audit_actions,  # noqa: F401  (registers the actions and the purpose)
        scoring_grid,
    )

    scoring_grid.register()  # the grid copy is the member's, kept by the library (ADR 0049)

    navigation.register_item(
        "federation",
        gettext_lazy("Federation templates"),
        "federation:library_list",
        ability="federation.template_view",
        order=40,
    )
    home.register_card(
        "federation.templates_outdated",
        roles={Role.DIRECTOR, Role.MANAGER},
        order=90,
        build=outdated_card,
    )
