"""Filters of the audit trail: person, action, object type and a date range (Europe/Paris)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import registry
from .display import person_name


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of Relais's own apps: ``label_lower`` → its French name, sorted."""
    models = (m for m in apps.get_models() if m.__module__.startswith("relais."))
    choices = {m._meta.label_lower: str(capfirst(m._meta.verbose_name)) for m in models}
    return sorted(choices.items(), key=lambda choice: choice[1])


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


def _start_of(day) -> datetime:
    """Midnight of ``day`` in the site's time zone (Europe/Paris), as an aware date-time."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The start date must be on or before the end date."))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    """Bound with the reader's organisation, whose members are the people to choose from."""

    actor = django_filters.ModelChoiceFilter(
        label=_("Person"), queryset=get_user_model().objects.none(), empty_label=_("Everyone")
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=(), empty_label=_("All"))
    object_type = django_filters.ChoiceFilter(
        label=_("Object type"), choices=(), empty_label=_("All")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("To (inclusive)"),
        method="filter_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        form = AuditFilterForm

    def __init__(self, data=None, *args, organisation, **kwargs):
        super().__init__(data, *args, **kwargs)
        people = get_user_model().objects.filter(memberships__organisation=organisation)
        actor = self.filters["actor"]
        actor.field_class = PersonChoiceField
        actor.queryset = people.distinct().order_by("last_name", "first_name", "username")
        self.filters["action"].extra["choices"] = registry.action_choices()
        self.filters["object_type"].extra["choices"] = object_type_choices()

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))

    def criteria(self) -> str:
        """The chosen filters in words, for the export's own audit event."""
        form = self.form
        parts = []
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, PersonChoiceField):
                value = dict(field.choices).get(value, value)
            elif isinstance(value, get_user_model()):
                value = person_name(value)
            else:
                value = value.strftime("%d/%m/%Y")
            parts.append(f"{field.label}\u00a0: {value}")
        return " ; ".join(parts) or str(_("no filter"))
