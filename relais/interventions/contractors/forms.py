"""Forms of the contractor pages: the company, its sectors and trades, its contacts."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren

from relais.housing.models import Commune, Residence

from ..models import Category, Contractor, ContractorContact


def clean_siren(value: str) -> str:
    """``552 100 554`` → ``552100554``; raises ValidationError naming the value when it is not
    a SIREN (9 digits with a Luhn check digit, INSEE; checked by python-stdnum)."""
    try:
        return siren.validate(value)
    except stdnum_errors.ValidationError:
        raise forms.ValidationError(
            _("“%(value)s” is not a SIREN number (9 digits, the first ones of the SIRET)."),
            params={"value": value},
        ) from None


class ContractorForm(forms.ModelForm):
    siren = forms.CharField(label=_("SIREN"), max_length=20)

    class Meta:
        model = Contractor
        fields = ["name", "siren", "trades", "residences", "communes", "email", "phone"]
        fields += ["operating_status", "operating_status_note", "is_active"]
        widgets = {
            "trades": forms.CheckboxSelectMultiple,
            "residences": forms.CheckboxSelectMultiple,
            "communes": forms.CheckboxSelectMultiple,
            "operating_status": forms.RadioSelect,
        }
        help_texts = {
            "residences": _(
                "Leave residences and communes empty for a company working everywhere."
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["trades"].queryset = Category.objects.for_organisation(organisation).active()
        residences = Residence.objects.for_organisation(organisation).order_by("name")
        self.fields["residences"].queryset = residences
        # The communes where the organisation has homes (the reference table holds France).
        self.fields["communes"].queryset = Commune.objects.filter(
            code__in=residences.values("commune_id")
        ).order_by("name")

    def clean_siren(self):
        number = clean_siren(self.cleaned_data["siren"])
        taken = Contractor.objects.for_organisation(self.organisation).filter(siren=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another contractor already has this SIREN."))
        return number


ContactFormSet = inlineformset_factory(
    Contractor,
    ContractorContact,
    fields=["name", "role", "phone", "email", "receives_work_orders"],
    extra=1,
    can_delete=True,
)


class StatusForm(forms.Form):
    """The crisis operating status alone, updated often (a call to the company)."""

    operating_status = forms.ChoiceField(
        label=_("operating status"),
        choices=Contractor._meta.get_field("operating_status").choices,
        widget=forms.RadioSelect,
    )
    operating_status_note = forms.CharField(
        label=_("status details"), max_length=300, required=False
    )
