"""Forms of work orders: staff send one; the contractor's steps through the link.

Every contractor form carries ``key``, a random value drawn when the page is shown: a
resubmitted form (a retry on a bad connection) carries the same key and changes nothing twice.
"""

import datetime as dt
import secrets
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Contractor
from ..requests.forms import PhotosField
from . import health

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class SendForm(forms.Form):
    contractor = forms.ModelChoiceField(
        label=_("Contractor"), queryset=Contractor.objects.none(), widget=forms.RadioSelect
    )
    instructions = forms.CharField(
        label=_("Instructions to the contractor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Access, keys, what the tenant said on the phone. No health details."),
    )

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contractor"]
        field.queryset = Contractor.objects.filter(pk__in=[c.pk for c in suggestions])
        labels = {c.pk: _label(c) for c in suggestions}
        field.label_from_instance = lambda c: labels[c.pk]


def _label(contractor) -> str:
    parts = [contractor.name, str(contractor.get_operating_status_display())]
    if contractor.matches_trade:
        parts.append(str(_("trade matches")))
    if contractor.matches_sector:
        parts.append(str(_("serves this address")))
    return " · ".join(parts)


class StepForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", secrets.token_hex(16))
        super().__init__(*args, **kwargs)


class AcceptForm(StepForm):
    pass


class DeclineForm(StepForm):
    reason = forms.CharField(label=_("Why do you decline?"), max_length=300)


class SlotForm(StepForm):
    day = forms.DateField(
        label=_("Day of the visit"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(label=_("Arrival from"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self):
        data = super().clean()
        if {"day", "start", "end"} <= data.keys():
            data["starts_at"] = dt.datetime.combine(data["day"], data["start"], PARIS)
            data["ends_at"] = dt.datetime.combine(data["day"], data["end"], PARIS)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("The visit must end after it starts."))
        return data


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class HealthForm(StepForm):
    """The four questions (``health.QUESTIONS``), each answered yes or no, and the
    contractor's statement that the emergency requires the visit."""

    emergency = forms.BooleanField(
        label=_("The emergency requires the visit even if an answer is a risk"),
        required=False,
        help_text=_(
            "Only for a safety or urgent request; wear an FFP2 mask, gloves and keep your distance."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        emergency = self.fields.pop("emergency")
        for code, (question, _risky) in health.QUESTIONS.items():
            self.fields[code] = forms.ChoiceField(
                label=question, choices=YES_NO, widget=forms.RadioSelect
            )
        self.fields["emergency"] = emergency

    def answers(self) -> dict[str, bool]:
        return {code: self.cleaned_data[code] == "yes" for code in health.QUESTIONS}


class CompleteForm(StepForm):
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 5 photos, JPEG, PNG or WebP, 10 MB each."),
    )
