"""Search filters of the application list (django-filter), scoped by the view's queryset."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.filters import IntegerFilter

from ..models import ApplicationStatus, PriorityCriterion
from . import selectors

CATEGORIES = [(n, str(n)) for n in range(1, 7)]


class ApplicationFilter(django_filters.FilterSet):
    # Read by the view, which picks the base queryset: the organisation's own applications, or
    # the other landlords' ones of the shared pool (ADR 0046).
    registered_by = django_filters.ChoiceFilter(
        label=_("Registered by"),
        choices=[("pool", _("Other landlords (shared pool)"))],
        empty_label=_("This organisation"),
        method="keep",
    )
    q = django_filters.CharFilter(
        label=_("Registration number, name, phone or e-mail"), method="search"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices, empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(
        field_name="household_category",
        label=_("Household category"),
        choices=CATEGORIES,
        empty_label=_("All"),
    )
    commune = django_filters.CharFilter(
        label=_("Wished commune (name or INSEE code)"), method="filter_commune"
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority criterion"),
        choices=PriorityCriterion.choices,
        empty_label=_("All"),
        method="filter_priority",
    )
    waited = IntegerFilter(
        label=_("Waiting at least (months)"),
        min_value=0,
        max_value=600,
        method="filter_waited",
        # A text input, so that the search form's live filtering reacts as one types.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def keep(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_commune(self, queryset, name, value):
        return selectors.wishing_commune(queryset, value.strip())

    def filter_priority(self, queryset, name, value):
        return selectors.with_priority(queryset, value)

    def filter_waited(self, queryset, name, value):
        return selectors.waited_at_least(queryset, int(value), timezone.localdate())
