"""The main menu is a registry that capabilities fill, grouped so it holds on one line.

Each capability registers its entries from its ``AppConfig.ready()``::

    navigation.register_item("field", _("Interventions"), "interventions:request_list",
                             ability="intervention.view", order=10)

An entry shows when the member has ``ability`` (or, for entries that depend on something else
than an ability, when ``show(request)`` is true). A group with one visible entry is a plain
link; a group with more is a drop-down named after the group. Group order and names are fixed
here so that every capability lands in the place people look for it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: (key, label) in menu order.
GROUPS: tuple[tuple[str, Promise], ...] = (
    ("stock", _("Housing")),
    ("allocation", _("Allocations")),
    ("field", _("Field")),
    ("management", _("Management")),
    ("crisis", _("Crisis")),
    ("federation", _("Federation")),
    ("admin", _("Administration")),
)
_GROUP_KEYS = {key for key, _label in GROUPS}


@dataclass(frozen=True)
class NavItem:
    group: str
    label: Promise | str
    url_name: str
    ability: str | None = None
    show: Callable | None = None
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register_item(
    group: str,
    label: Promise | str,
    url_name: str,
    *,
    ability: str | None = None,
    show: Callable | None = None,
    order: int = 100,
) -> None:
    """Add a menu entry (idempotent by ``url_name``).

    Raises ValueError for an unknown group, or when neither ``ability`` nor ``show`` says who
    sees the entry.
    """
    if group not in _GROUP_KEYS:
        raise ValueError(f"unknown menu group {group!r}")
    if ability is None and show is None:
        raise ValueError(f"menu entry {url_name!r} needs an ability or a show() test")
    _ITEMS[url_name] = NavItem(group, label, url_name, ability, show, order)


def _visible(item: NavItem, request) -> bool:
    if item.ability is not None and not getattr(request, "abilities", {}).get(item.ability):
        return False
    return item.show is None or bool(item.show(request))


def menu_for(request) -> list[dict]:
    """The groups the member sees, in menu order: ``[{"key", "label", "items": [{"label",
    "url", "active"}]}]``; empty when nobody is logged in or no organisation is chosen."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return []
    path = request.path
    menu = []
    for key, label in GROUPS:
        items = sorted(
            (i for i in _ITEMS.values() if i.group == key and _visible(i, request)),
            key=lambda i: (i.order, str(i.label)),
        )
        if not items:
            continue
        entries = []
        for item in items:
            url = reverse(item.url_name)
            entries.append({"label": item.label, "url": url, "active": path.startswith(url)})
        menu.append({"key": key, "label": label, "items": entries})
    return menu


def register_core_items() -> None:
    """Core's own entries: the agencies, the crisis mode, the outbox and the audit trail."""
    register_item("stock", _("Agencies"), "core:agency_list", ability="housing.view", order=90)
    register_item(
        "crisis",
        _("Crisis mode"),
        "core:crisis",
        show=lambda request: getattr(request, "organisation", None) is not None,
        order=10,
    )
    register_item("crisis", _("Messages sent"), "core:outbox_list", ability="outbox.view", order=80)
    register_item(
        "admin",
        _("Organisation settings"),
        "core:organisation_settings",
        ability="organisation.manage",
        order=10,
    )
    register_item("admin", _("Audit trail"), "core:audit_log", ability="audit.view", order=90)
