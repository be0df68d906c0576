import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crisis
from .models import Agency, CrisisMode, CrisisModeChange, CrisisNotice, Organisation
from .services import check_api_key_expiry

# Switches a mode turns on by default; the director may still adjust each one.
MODE_DEFAULT_SWITCHES = {
    CrisisMode.NORMAL: set(),
    CrisisMode.CRISIS: set(CrisisModeChange.SWITCHES),
    # After a crisis the plan stays in force and tenants stay followed up while activity resumes.
    CrisisMode.RESTART: {"outreach_active", "continuity_plan_active"},
}


class CrisisModeForm(forms.ModelForm):
    class Meta:
        model = CrisisModeChange
        fields = ["mode", *CrisisModeChange.SWITCHES, "note"]
        widgets = {
            "mode": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = CrisisMode.choices  # no blank "---------" radio
        # Each switch says what it changes, from the registry the capabilities fill.
        for name in CrisisModeChange.SWITCHES:
            lines = crisis.effects(name, organisation)
            self.fields[name].help_text = " ".join(lines) or _("Nothing in Relais reads it yet.")

    def switches(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in CrisisModeChange.SWITCHES}


class AgencyStatusForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["public_status", "public_message"]
        widgets = {"public_message": forms.Textarea(attrs={"rows": 3})}


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["mfa_required", "contact_name", "contact_email", "contact_phone"]
        labels = {"mfa_required": _("Require two-factor authentication for every member")}
        help_texts = {
            "contact_name": _(
                "Shown to outside partners (social services, federation) on their home page."
            )
        }

    def clean_contact_phone(self):
        number = self.cleaned_data["contact_phone"]
        return crisis.validate_phone(number, where=_("Contact phone")) if number else number


class CrisisNoticeForm(forms.ModelForm):
    class Meta:
        model = CrisisNotice
        fields = ["text", "phone_lines", "emergency_phone", "links"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "phone_lines": forms.Textarea(
                attrs={
                    "rows": 3,
                    "placeholder": _("02 47 60 00 00 | Monday to Friday, 9 am to 5 pm"),
                }
            ),
            "links": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_phone_lines(self):
        text = self.cleaned_data["phone_lines"]
        crisis.parse_phone_lines(text)
        return text

    def clean_emergency_phone(self):
        number = self.cleaned_data["emergency_phone"].strip()
        return crisis.validate_phone(number, where=_("On-call number"))

    def clean_links(self):
        text = self.cleaned_data["links"]
        crisis.parse_links(text)
        return text


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
