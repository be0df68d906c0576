"""The analyst's forms: the template's title and what changed; the content itself is written
with the kind's own ``ContentForm`` (declared by its capability, see ``registry``)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    notes = forms.CharField(
        label=_("Notes for the members"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the template is for, what a member should adapt."),
    )


class VersionForm(forms.Form):
    notes = forms.CharField(
        label=_("What changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the members' directors and managers with the announcement."),
    )
