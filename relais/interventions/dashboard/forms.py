from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Agency
from relais.housing.models import Residence


class ScopeForm(forms.Form):
    """The dashboard's filters (GET): an agency, a residence, or neither."""

    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("All agencies"),
    )
    residence = forms.ModelChoiceField(
        label=_("Residence"),
        queryset=Residence.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_organisation(organisation).order_by(
            "name"
        )
        residences = Residence.objects.for_organisation(organisation).only("name", "reference")
        residences = residences.order_by("name")  # the label is "name (reference)"
        self.fields["residence"].queryset = residences
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
