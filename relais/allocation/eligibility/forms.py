"""Forms of the eligibility simulator and of the income-ceilings page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.housing.forms import CommuneField, EuroField

from .ceilings import FINANCINGS, YEARS


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
