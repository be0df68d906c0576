"""Search filters of the housing lists (django-filter), all scoped by the view's queryset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.filters import IntegerFilter
from relais.core.search import compact

from .models import Financing, Typology
from .selectors import search_dwellings, search_households

YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class _Base(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    commune = django_filters.CharFilter(
        label=_("Commune (name or INSEE code)"), method="filter_commune"
    )
    commune_path = "commune"

    def filter_commune(self, queryset, name, value):
        """By INSEE code, or by name as the pickers search it ("joue les tours")."""
        path, folded = self.commune_path, compact(value)
        by_name = Q(**{f"{path}__search_name__startswith": folded}) if folded else Q(pk__in=[])
        return queryset.filter(Q(**{f"{path}__code": value.strip()}) | by_name)


class ResidenceFilter(_Base):
    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(reference__icontains=value))


class BuildingFilter(_Base):
    in_qpv = django_filters.TypedChoiceFilter(
        label=_("In a QPV"), choices=YES_NO, coerce=lambda v: v == "true"
    )

    def search(self, queryset, name, value):
        return queryset.filter(Q(address__icontains=value) | Q(reference__icontains=value))


class DwellingFilter(_Base):
    commune_path = "building__commune"
    # distinct=False: an IN on the dwelling's own column cannot duplicate rows, and DISTINCT
    # would make the paginator count a sub-query over every column.
    typology = django_filters.MultipleChoiceFilter(
        label=_("Typology"),
        choices=Typology.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    financing = django_filters.ChoiceFilter(
        label=_("Financing"), choices=Financing.choices, empty_label=_("All")
    )
    occupied = django_filters.TypedChoiceFilter(
        label=_("Occupied"), choices=YES_NO, coerce=lambda v: v == "true"
    )
    accessible = django_filters.TypedChoiceFilter(
        label=_("Accessible"), choices=YES_NO, coerce=lambda v: v == "true"
    )
    residence = IntegerFilter(
        label=_("Residence"), field_name="building__residence_id", widget=forms.HiddenInput
    )
    building = IntegerFilter(
        label=_("Building"), field_name="building_id", widget=forms.HiddenInput
    )

    def search(self, queryset, name, value):
        return search_dwellings(queryset, value)


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, reference, occupant, phone or e-mail"), method="search"
    )

    def search(self, queryset, name, value):
        return search_households(queryset, value)
