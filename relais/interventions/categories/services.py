"""Writes on the category tree and the response targets: the defaults of a new organisation,
and each organisation's edits (audited)."""

from django.db import transaction
from django.utils import translation

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import DEFAULT_TARGET_HOURS, Category, ResponseTarget
from .defaults import DEFAULT_TREE


def ensure_defaults(organisation) -> None:
    """Give ``organisation`` the default tree and targets if it has none yet (idempotent: a
    second call, or two at once, adds nothing). Names are stored in French: the landlord's
    tenants and staff read them, and each organisation renames its own."""
    has_tree = Category.objects.for_organisation(organisation).exists()
    has_targets = ResponseTarget.objects.for_organisation(organisation).exists()
    if has_tree and has_targets:
        return
    with transaction.atomic(), translation.override("fr"):
        if not has_tree:
            _create_tree(organisation)
        ResponseTarget.objects.bulk_create(
            [
                ResponseTarget(organisation=organisation, priority=priority, hours=hours)
                for priority, hours in DEFAULT_TARGET_HOURS.items()
            ],
            ignore_conflicts=True,
        )


def _create_tree(organisation) -> None:
    families = Category.objects.bulk_create(
        [
            Category(organisation=organisation, code=code, name=str(name), position=index)
            for index, (code, name, _kinds) in enumerate(DEFAULT_TREE)
        ],
        ignore_conflicts=True,
    )
    parents = {
        c.code: c
        for c in Category.objects.for_organisation(organisation).filter(
            code__in=[f.code for f in families]
        )
    }
    Category.objects.bulk_create(
        [
            Category(
                organisation=organisation,
                parent=parents[family],
                code=code,
                name=str(name),
                default_priority=priority,
                crisis_whitelisted=whitelisted,
                position=index,
            )
            for family, _name, kinds in DEFAULT_TREE
            for index, (code, name, priority, whitelisted) in enumerate(kinds)
        ],
        ignore_conflicts=True,
    )


EDITABLE = ("name", "parent", "default_priority", "crisis_whitelisted", "position", "is_active")


@write_transaction
def category_save(*, organisation, actor, category: Category, values: dict) -> Category:
    """Create (``category.pk`` None) or change a category with ``values`` (names of
    ``EDITABLE``, already validated by the form); audited with before → after."""
    creating = category.pk is None
    before = {name: _plain(getattr(category, name)) for name in values} if not creating else {}
    for name, value in values.items():
        setattr(category, name, value)
    category.organisation = organisation
    category.save()
    changes = {
        name: [before.get(name), _plain(getattr(category, name))]
        for name in values
        if creating or before[name] != _plain(getattr(category, name))
    }
    audit.record(
        action="intervention_category.created" if creating else "intervention_category.changed",
        organisation=organisation,
        actor=actor,
        obj=category,
        changes=changes,
    )
    return category


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


@write_transaction
def targets_save(*, organisation, actor, hours: dict[str, int | None]) -> None:
    """Set the response target (hours, or None for none) of each priority in ``hours``."""
    targets = {
        t.priority: t
        for t in ResponseTarget.objects.for_organisation(organisation).select_for_update()
    }
    changes = {}
    for priority, value in hours.items():
        target = targets.get(priority) or ResponseTarget(
            organisation=organisation, priority=priority
        )
        if target.pk is not None and target.hours == value:
            continue
        changes[priority] = [target.hours, value]
        target.hours = value
        target.save()
    if changes:
        audit.record(
            action="response_targets.changed",
            organisation=organisation,
            actor=actor,
            changes=changes,
        )
