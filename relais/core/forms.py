import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, CrisisMode, CrisisModeChange
from .services import check_api_key_expiry

# Switches a mode turns on by default; the director may still adjust each one.
MODE_DEFAULT_SWITCHES = {
    CrisisMode.NORMAL: set(),
    CrisisMode.CRISIS: set(CrisisModeChange.SWITCHES),
    CrisisMode.RESTART: {"outreach_active"},
}


class CrisisModeForm(forms.ModelForm):
    class Meta:
        model = CrisisModeChange
        fields = ["mode", *CrisisModeChange.SWITCHES, "note"]
        widgets = {
            "mode": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reception_closed": _("Agencies show “closed” to the public; requests go online."),
            "urgent_interventions_only": _(
                "Only fire safety, access control, lifts and fluids are dispatched."
            ),
            "remote_commissions": _("New allocation commission sessions default to remote."),
            "outreach_active": _("Call campaigns to vulnerable tenants run."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = CrisisMode.choices  # no blank "---------" radio

    def switches(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in CrisisModeChange.SWITCHES}


class AgencyStatusForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["public_status", "public_message"]
        widgets = {"public_message": forms.Textarea(attrs={"rows": 3})}


class OrganisationSettingsForm(forms.Form):
    mfa_required = forms.BooleanField(
        label=_("Require two-factor authentication for every member"), required=False
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=100)
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Last day the key works. Leave empty for a key that works until revoked."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_days = settings.API_KEY_MAX_DAYS
        if max_days:
            self.fields["expires_on"].required = True
            self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=max_days)
            self.fields["expires_on"].help_text = _(
                "Last day the key works, at most %(days)s days from today."
            ) % {"days": max_days}

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        check_api_key_expiry(expires_on)
        return expires_on


class OrganisationSwitchForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
