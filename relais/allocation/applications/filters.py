"""Search filters of the application list (django-filter), scoped by the view's queryset."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ApplicationStatus, PriorityCriterion
from . import selectors

CATEGORIES = [(n, str(n)) for n in range(1, 7)]


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Registration number or name"), method="search")
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
    waited = django_filters.NumberFilter(
        label=_("Waiting at least (months)"),
        min_value=0,
        max_value=600,
        method="filter_waited",
        # A text input, so that the search form's live filtering reacts as one types.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_commune(self, queryset, name, value):
        return selectors.wishing_commune(queryset, value.strip())

    def filter_priority(self, queryset, name, value):
        return selectors.with_priority(queryset, value)

    def filter_waited(self, queryset, name, value):
        return selectors.waited_at_least(queryset, int(value), timezone.localdate())
