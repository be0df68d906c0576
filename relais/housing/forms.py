"""Housing forms. Money is typed in euros and stored in cents; communes by INSEE code or name."""

import re
from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from relais.core.models import Agency
from relais.core.phones import PhoneField
from relais.core.search import compact

# Shared by every app (relais.formats.forms), still imported from here by allocation.
from relais.formats.forms import EuroField as EuroField
from relais.formats.forms import FrenchDecimalField as FrenchDecimalField
from relais.formats.numbers import NumberError, french_decimal

from .models import Building, Commune, Dwelling, Household, Lease, Occupant, Residence

INSEE_CODE = re.compile(r"^\d[\dAaBb]\d{3}$")  # 2A/2B: Corsica


class CommuneField(forms.CharField):
    """An INSEE code (« 37261 ») or a commune's name (« joue les tours ») → Commune.

    The picker (``housing:commune_options``) lists matching communes as one types and fills
    in the code; a name typed in full is accepted when it names one commune only.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Commune"))
        kwargs.setdefault(
            "help_text",
            _("Type a name and pick it in the list, e.g. « joue les tours »."),
        )
        super().__init__(max_length=200, **kwargs)
        self.widget.attrs.update(
            {
                "list": "commune-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("housing:commune_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#commune-options",
            }
        )

    def prepare_value(self, value):
        return value.code if isinstance(value, Commune) else value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        if INSEE_CODE.match(text):
            commune = Commune.objects.filter(code=text.upper()).first()
            if commune is None:
                raise forms.ValidationError(
                    _("No commune has the INSEE code %(code)s."), params={"code": text}
                )
            return commune
        named = list(Commune.objects.filter(search_name=compact(text))[:2])
        if len(named) != 1:
            message = (
                _("Several communes are named “%(name)s”: pick one in the list.")
                if named
                else _("No commune is named “%(name)s”.")
            )
            raise forms.ValidationError(message, params={"name": text})
        return named[0]


class FrenchIntegerField(forms.IntegerField):
    """A whole number typed the French way (« 18 000 »); « 18.000 » is refused as ambiguous
    where Django's own field would read 18 (the imports' rule,
    ``relais.formats.numbers.french_decimal``). A text input: a number input would not take
    the spaces."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric"}

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                number = french_decimal(value)
            except NumberError as exc:
                raise forms.ValidationError(exc.message, code="invalid") from None
            if number != number.to_integral_value():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = int(number)
        return super().to_python(value)


class MoneyFormMixin:
    """Maps ``EuroField``s named in ``money_fields`` to the model's ``<name>_cents`` fields."""

    money_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.money_fields:
            cents = getattr(self.instance, f"{name}_cents", None)
            if cents is not None:
                self.initial.setdefault(name, Decimal(cents) / 100)

    def _post_clean(self):
        for name in self.money_fields:
            if self.cleaned_data.get(name) is not None:
                setattr(self.instance, f"{name}_cents", self.cleaned_data[name])
        super()._post_clean()


class ResidenceForm(forms.ModelForm):
    commune = CommuneField()

    class Meta:
        model = Residence
        fields = ["reference", "name", "commune", "agency", "construction_year"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["agency"].queryset = Agency.objects.for_organisation(organisation)


class BuildingForm(forms.ModelForm):
    commune = CommuneField()

    class Meta:
        model = Building
        fields = ["reference", "address", "postcode", "commune", "in_qpv", "floors", "has_lift"]


class DwellingForm(MoneyFormMixin, forms.ModelForm):
    money_fields = ("rent",)
    rent = EuroField(label=_("Monthly rent (€)"))

    class Meta:
        model = Dwelling
        fields = ["reference", "typology", "surface", "floor", "lift", "accessible", "financing"]
        localized_fields = ["surface"]


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["reference", "name"]


class OccupantForm(forms.ModelForm):
    class Meta:
        model = Occupant
        field_classes = {"phone": PhoneField}
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "is_holder",
            "phone",
            "email",
            "preferred_channel",
            *Occupant.SENSITIVE_FIELDS,
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "consent_recorded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_sensitive:
            for name in Occupant.SENSITIVE_FIELDS:
                del self.fields[name]


class LeaseStartForm(MoneyFormMixin, forms.ModelForm):
    money_fields = ("charges", "housing_benefit")
    household_reference = forms.CharField(label=_("Household reference"), max_length=30)
    charges = EuroField(label=_("Monthly charges provision (€)"))
    housing_benefit = EuroField(label=_("Housing benefit paid to the landlord (€)"), required=False)
    transfer = forms.BooleanField(
        label=_("Transfer: end the household's current lease the day before"),
        required=False,
        help_text=_("For a household moving from another of our dwellings."),
    )

    class Meta:
        model = Lease
        fields = ["reference", "start_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_household_reference(self):
        reference = self.cleaned_data["household_reference"]
        household = (
            Household.objects.for_organisation(self.organisation)
            .filter(reference=reference)
            .first()
        )
        if household is None:
            raise forms.ValidationError(
                _("No household has the reference %(ref)s."), params={"ref": reference}
            )
        return household


class LeaseEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
