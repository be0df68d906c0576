"""Audit events → what a reader sees: labels, "field: before → after", masks, links.

Everything here works on a page of events at a time, in a bounded number of queries: one per
related model whose names a page's changes refer to, one per object type to link.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

from . import registry

EMPTY = "—"
CENTS_WORD = re.compile(r"\b(cents|centimes)\b")


@dataclass(frozen=True)
class Change:
    """One line of an event's changes. ``before`` is None for a plain value (not a diff)."""

    label: str
    after: str
    before: str | None = None
    masked: bool = False


@dataclass(frozen=True)
class Row:
    event: object
    when: datetime
    who: str
    action: str
    object_type: str
    object_repr: str
    url: str | None
    changes: list[Change]


def person_name(user) -> str:
    if user is None:
        return _("Relais (automatic)")
    return user.get_full_name() or user.get_username()


def model_for(object_type: str):
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        try:  # foreign keys are recorded by their column name (``household_id``)
            found = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            return None
    return found if getattr(found, "concrete", False) else None


def yes_no(value) -> str:
    return _("yes") if value else _("no")


def _number(value) -> str:
    return number_format(value, force_grouping=True)


def _euros(cents) -> str:
    return f"{number_format(int(cents) / 100, decimal_pos=2, force_grouping=True)}\u00a0€"


def _moment(value) -> str:
    """An ISO date or date-time string (as stored in ``changes``) in French, Europe/Paris."""
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        day = parse_date(value[:10]) if len(value) == 10 else None
        if day is not None:
            return date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


class Names:
    """Names of the rows that foreign-key values point to, fetched once per related model."""

    def __init__(self, organisation):
        self.organisation = organisation
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[tuple[type, str], str] = {}

    def want(self, model, value) -> None:
        if isinstance(value, list):  # many-to-many: a list of ids
            for item in value:
                self.want(model, item)
        elif value not in (None, ""):
            self.wanted[model].add(str(value))

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            rows = model._default_manager.filter(pk__in=ids)
            if _field(model, "organisation") is not None:
                rows = rows.filter(organisation=self.organisation)
            name = person_name if model is apps.get_model("auth.User") else str
            self.found.update({(model, str(row.pk)): name(row) for row in rows})

    def name(self, model, value) -> str:
        return self.found.get((model, str(value)), _("no. %(id)s") % {"id": value})


def field_value(field, value, names: Names) -> str:
    """A stored value of a model field, as the field's form would show it."""
    if value is None or value == "":
        return EMPTY
    if field.is_relation and isinstance(value, list):
        return ", ".join(names.name(field.related_model, item) for item in value) or EMPTY
    if field.is_relation:
        return names.name(field.related_model, value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return yes_no(value in (True, "True", "true", 1))
    if isinstance(field, models.DateField | models.DateTimeField):
        return _moment(value)
    if isinstance(field, PhoneNumberField):
        number = PhoneNumber.from_string(str(value))
        return number.as_national if number.is_valid() else str(value)
    if field.name.endswith("_cents"):
        return _euros(value)
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return _number(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    return str(value)


def _field_names(model, value) -> str | None:
    """A list of field names (``{"fields": [...]}``) → their labels, if all are fields."""
    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        return None
    fields = [_field(model, name) for name in value]
    if not all(fields):
        return None
    return ", ".join(str(f.verbose_name) for f in fields)


def detail_value(detail: registry.Detail, value, code: str) -> str:
    """A value of a key that is not a model field, labelled through the registry."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dict):
        parts = []
        for key, inner in value.items():
            inner_detail = registry.detail_for(code, key)
            if inner_detail is not None:
                parts.append(
                    f"{inner_detail.label}\u00a0: {detail_value(inner_detail, inner, code)}"
                )
        return ", ".join(parts) or EMPTY
    if isinstance(value, list):
        return ", ".join(detail_value(detail, item, code) for item in value) or EMPTY
    if isinstance(value, str) and value in detail.values:
        return str(detail.values[value])
    if isinstance(value, int | float):
        return _number(value)
    return _moment(value)


def field_label(field) -> str:
    """The field's label; amounts stored in cents are shown in euros, so say so."""
    label = str(capfirst(field.verbose_name))  # a lazy verbose name is not a str for re.sub
    if field.name.endswith("_cents"):
        label = CENTS_WORD.sub("€", label)
    return label


def _is_diff(field, value) -> bool:
    return field is not None and isinstance(value, list) and len(value) == 2


def _want_names(event, model, names: Names) -> None:
    for key, value in (event.changes or {}).items():
        field = _field(model, key)
        if field is None or not field.is_relation:
            continue
        for item in value if _is_diff(field, value) else [value]:
            names.want(field.related_model, item)


def _masked(event, key: str, abilities: dict) -> bool:
    ability = registry.SENSITIVE_FIELDS.get(event.object_type, {}).get(key.removesuffix("_id"))
    return ability is not None and not abilities.get(ability)


def changes_for(event, model, abilities: dict, names: Names) -> list[Change]:
    """The event's ``changes`` as labelled lines; sensitive values masked for this reader."""
    lines = []
    for key, value in (event.changes or {}).items():
        field = _field(model, key)
        if field is not None:
            label = field_label(field)
            if _masked(event, key, abilities):
                lines.append(Change(label, _("hidden"), masked=True))
            elif _is_diff(field, value):
                before, after = (field_value(field, v, names) for v in value)
                lines.append(Change(label, after, before))
            else:
                lines.append(Change(label, field_value(field, value, names)))
            continue
        detail = registry.detail_for(event.action, key)
        if detail is None:
            continue  # an internal key nobody labelled: never shown raw
        shown = _field_names(model, value) or detail_value(detail, value, event.action)
        lines.append(Change(capfirst(detail.label), shown))
    return lines


def _links(events, organisation, abilities: dict) -> dict[tuple[str, str], str]:
    """(object type, id) → URL, for the objects that still exist and the reader may open."""
    wanted: dict[str, set] = defaultdict(set)
    for event in events:
        link = registry.OBJECT_LINKS.get(event.object_type)
        if link is not None and event.object_id and abilities.get(link.ability):
            wanted[event.object_type].add(event.object_id)
    urls = {}
    for object_type, ids in wanted.items():
        model, link = model_for(object_type), registry.OBJECT_LINKS[object_type]
        rows = model._default_manager.filter(pk__in=ids)
        if _field(model, "organisation") is not None:
            rows = rows.filter(organisation=organisation)
        for pk in rows.values_list("pk", flat=True):
            urls[(object_type, str(pk))] = reverse(link.url_name, args=[pk])
    return urls


def object_type_label(object_type: str) -> str:
    model = model_for(object_type)
    return capfirst(model._meta.verbose_name) if model is not None else ""


def readable(events, *, organisation, abilities: dict) -> list[Row]:
    """A page of events (with ``actor`` selected) → rows for the page or the CSV export."""
    events = list(events)
    names = Names(organisation)
    for event in events:
        _want_names(event, model_for(event.object_type), names)
    names.fetch()
    urls = _links(events, organisation, abilities)
    return [
        Row(
            event=event,
            when=timezone.localtime(event.created_at),
            who=person_name(event.actor),
            action=registry.action_label(event.action),
            object_type=object_type_label(event.object_type),
            object_repr=event.object_repr,
            url=urls.get((event.object_type, event.object_id)),
            changes=changes_for(event, model_for(event.object_type), abilities, names),
        )
        for event in events
    ]
