"""Reads of the category tree for forms and pages."""

from django.db.models import Q

from ..models import Category, ResponseTarget


def tree(organisation, *, active_only: bool = True) -> list[tuple[Category, list[Category]]]:
    """[(family, [its categories])] in their order, for the pickers and the settings page; a
    category without a family is listed as its own family with no children."""
    rows = Category.objects.for_organisation(organisation).order_by("position", "name")
    if active_only:
        rows = rows.filter(is_active=True)
    rows = list(rows)
    children: dict[int, list[Category]] = {}
    for category in rows:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    return [(c, children.get(c.pk, [])) for c in rows if c.parent_id is None]


def leaf_choices(organisation) -> list[tuple[str, list[tuple[int, str]]]]:
    """Grouped choices for a ``<select>`` (an ``<optgroup>`` per family): only the categories a
    request can have, i.e. active leaves (a family without children is a leaf itself)."""
    groups = []
    for family, kinds in tree(organisation):
        if kinds:
            groups.append((family.name, [(k.pk, k.name) for k in kinds]))
        else:
            groups.append((family.name, [(family.pk, family.name)]))
    return groups


def leaves(organisation):
    """The active categories a request may be filed under (see ``leaf_choices``)."""
    active = Category.objects.for_organisation(organisation).filter(is_active=True)
    return active.filter(~Q(children__is_active=True)).distinct()


def targets(organisation) -> dict[str, int | None]:
    """{priority: hours or None} of the organisation."""
    return dict(
        ResponseTarget.objects.for_organisation(organisation).values_list("priority", "hours")
    )
