"""Forms of the eligibility simulator, of the income-ceilings page and of a table's entry."""

import re

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from relais.housing.forms import CommuneField, EuroField

from ..models import IncomeCeiling
from .ceilings import FINANCINGS, YEARS
from .rules import (
    CATEGORIES,
    MAX_CEILING_EUR,
    ZONES_BY_FINANCING,
    category_label,
    table_errors,
    zone_label,
)


def _years_field(**kwargs):
    return forms.IntegerField(min_value=YEARS.start, max_value=YEARS.stop - 1, **kwargs)


class EligibilityForm(forms.Form):
    """The API's fields, with the commune by INSEE code and the three incomes of the ≥ 10 %
    rule; rent, charges and resources (optional) give the effort rate."""

    year = _years_field(label=_("Year"))
    financing = forms.ChoiceField(label=_("Financing"), choices=[(f, f) for f in FINANCINGS])
    commune = CommuneField()
    persons = forms.IntegerField(label=_("Persons in the household"), min_value=1, max_value=20)
    dependants = forms.IntegerField(
        label=_("Dependants"),
        min_value=0,
        max_value=19,
        help_text=_("Children and other persons the household supports (personnes à charge)."),
    )
    is_couple = forms.BooleanField(label=_("A couple"), required=False)
    combined_age = forms.IntegerField(
        label=_("Combined ages of the couple"),
        min_value=0,
        max_value=250,
        required=False,
        help_text=_("For the young-couple rule (jeune ménage: 55 or less, no dependant)."),
    )
    has_disabled_member = forms.BooleanField(
        label=_("A member holds a disability card (mention « invalidité »)"), required=False
    )
    income_n2 = forms.IntegerField(
        label=_("Reference income N-2 (€ a year)"),
        min_value=0,
        max_value=100_000_000,
        help_text=_("Revenu fiscal de référence of every member, year N-2."),
    )
    income_n1 = forms.IntegerField(
        label=_("Income N-1 (€ a year)"),
        min_value=0,
        max_value=100_000_000,
        required=False,
        help_text=_("Used instead when at least 10 % lower than N-2."),
    )
    income_last_12_months = forms.IntegerField(
        label=_("Income of the last 12 months (€)"),
        min_value=0,
        max_value=100_000_000,
        required=False,
        help_text=_("Used instead when at least 10 % lower than N-2."),
    )
    rent = EuroField(label=_("Rent (€ a month)"), required=False)
    charges = EuroField(label=_("Charges (€ a month)"), required=False)
    monthly_resources = EuroField(label=_("Resources (€ a month)"), required=False)

    EFFORT_FIELDS = ("rent", "charges", "monthly_resources")
    # EligibilityError.field → the form field to show the message on.
    ERROR_FIELDS = {"reference_income": "income_n2", "zone": "commune"}

    @classmethod
    def initial_values(cls) -> dict:
        return {
            "year": timezone.localdate().year,
            "financing": "PLUS",
            "persons": 1,
            "dependants": 0,
        }

    def clean(self):
        data = super().clean()
        given = [name for name in self.EFFORT_FIELDS if data.get(name) is not None]
        if given and "monthly_resources" not in given:
            self.add_error(
                "monthly_resources", _("Give the monthly resources to compute the effort rate.")
            )
        if given and "rent" not in given:
            self.add_error("rent", _("Give the rent to compute the effort rate."))
        return data

    def add_eligibility_error(self, error) -> None:
        field = self.ERROR_FIELDS.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)


class CeilingYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


SPACES = re.compile(r"[\s\u00a0\u202f€]+")


def amount_field_name(zone: str, category: int) -> str:
    return f"amount_{zone}_{category}"


class WholeEurosField(forms.IntegerField):
    """A whole number of euros typed the French way: ``12 452``, ``12 452 €``."""

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value)
        return super().to_python(value)


class CeilingTableForm(forms.Form):
    """One year × financing (chosen by the page): the source and one field per zone × category.

    ``financing`` picks the zones (the form is built for it); ``existing`` pre-fills the
    amounts already stored. ``amounts()`` gives ``{(zone, category): €}`` once valid.
    """

    source = forms.CharField(
        label=_("Source"),
        max_length=IncomeCeiling._meta.get_field("source").max_length,
        help_text=_("The arrêté and its date of publication in the Journal officiel."),
    )

    def __init__(self, *args, financing: str, existing: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.financing = financing
        self.zones = ZONES_BY_FINANCING[financing]
        existing = existing or {}
        for zone in self.zones:
            for category in CATEGORIES:
                name = amount_field_name(zone, category)
                self.fields[name] = WholeEurosField(
                    label=capfirst(category_label(category)),
                    min_value=1,
                    max_value=MAX_CEILING_EUR,
                    required=False,
                    initial=existing.get((zone, category)),
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                )

    def zone_groups(self) -> list[dict]:
        """For the template: per zone, its label and its seven bound fields."""
        return [
            {
                "label": zone_label(zone),
                "fields": [self[amount_field_name(zone, category)] for category in CATEGORIES],
            }
            for zone in self.zones
        ]

    def clean(self):
        data = super().clean()
        amounts = self._typed_amounts(data)
        for error in table_errors(self.financing, amounts):
            name = amount_field_name(error.zone, error.category)
            # A cell already refused by its own field keeps that message only.
            if name in self.fields and name not in self.errors:
                self.add_error(name, error.message)
        return data

    def _typed_amounts(self, data) -> dict:
        return {
            (zone, category): data.get(amount_field_name(zone, category))
            for zone in self.zones
            for category in CATEGORIES
        }

    def amounts(self) -> dict[tuple[str, int], int]:
        return self._typed_amounts(self.cleaned_data)
