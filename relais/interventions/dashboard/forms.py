from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from relais.core.models import Agency
from relais.housing.models import Residence


class PlainSelect(forms.Select):
    """A ``<select>`` whose options are written in Python rather than through one template per
    option: the residence filter lists all of a landlord's residences (~1,200 at region scale,
    where the templated rendering took most of the dashboard's time). Same HTML otherwise."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), options)


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
        empty_label=_("All residences"),
        widget=PlainSelect,
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
