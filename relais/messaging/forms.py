"""The broadcast form: who (a segment and its value, optionally an age band), what (the
e-mail's subject and text, also printed in letters, and the SMS), and how (kind, envelope)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import merge, segments
from .models import Broadcast


def _fields_help() -> str:
    return " ".join(f"{field} : {label}." for field, label in merge.FIELDS.items())


class BroadcastForm(forms.ModelForm):
    segment = forms.ChoiceField(label=_("Recipients"))
    value = forms.CharField(
        label=_("Which one"),
        required=False,
    )
    age_band = forms.CharField(
        label=_("Age band (optional)"),
        required=False,
        help_text=_("“70+” for 70 and over, “60-69” for 60 to 69."),
    )

    class Meta:
        model = Broadcast
        fields = ["title", "kind", "public", "subject", "body", "sms_body", "envelope"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "sms_body": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, abilities: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [
            choice for choice in segments.choices(abilities) if choice[0] != "age_band"
        ]
        self.fields["value"].help_text = segments.values_help(abilities)
        self.fields["body"].help_text = _fields_help()
        self.fields["sms_body"].help_text = _(
            "160 characters make one SMS (70 with accented capitals or emoji); the "
            "unsubscribe link is added to information messages."
        )
        order = ["title", "kind", "public", "segment", "value", "age_band"]
        self.order_fields(order)

    def criteria(self) -> list[dict]:
        data = self.cleaned_data
        found = [{"key": data["segment"], "value": data.get("value", "").strip()}]
        if data.get("age_band", "").strip():
            found.append({"key": "age_band", "value": data["age_band"].strip()})
        return found
