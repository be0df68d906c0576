"""Forms of the work-site pages and of the gate (a phone, no account)."""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import Membership
from relais.core.phones import PhoneField
from relais.core.roles import STAFF_ROLES
from relais.housing.models import Residence
from relais.interventions.contractors.forms import clean_siren

from .models import ChecklistItem, SiteCompany, WorkSite

PHONE_FIELDS = ("sps_phone", "referent_phone")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _phone(form, name):
    """Phones are stored as E.164 text (shown « 06 12 34 56 78 » by ``phone_fr``)."""
    value = form.cleaned_data.get(name)
    return value.as_e164 if value else ""


class WorkSiteForm(forms.ModelForm):
    sps_phone = PhoneField(label=_("SPS coordinator's phone"), required=False)
    referent_phone = PhoneField(label=_("site COVID referent's phone"), required=False)

    class Meta:
        model = WorkSite
        fields = [
            "reference",
            "name",
            "kind",
            "residence",
            "address",
            "project_manager",
            "prime_contractor",
            "sps_name",
            "sps_phone",
            "sps_email",
            "referent_name",
            "referent_phone",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ]
        widgets = dict.fromkeys(
            ("planned_start", "planned_end", "actual_start", "actual_end"), DATE
        )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["residence"].queryset = Residence.objects.for_organisation(
            organisation
        ).order_by("name")
        staff = Membership.objects.for_organisation(organisation).filter(
            role__in=STAFF_ROLES, is_active=True
        )
        self.fields["project_manager"].queryset = (
            get_user_model()
            .objects.filter(pk__in=staff.values("user_id"))
            .order_by("last_name", "first_name")
        )
        self.fields["project_manager"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean_sps_phone(self):
        return _phone(self, "sps_phone")

    def clean_referent_phone(self):
        return _phone(self, "referent_phone")

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        taken = WorkSite.objects.for_organisation(self.organisation).filter(reference=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another site already has this reference."))
        return reference

    def clean(self):
        data = super().clean()
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("The end is before the start."))
        return data


class CompanyForm(forms.ModelForm):
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    referent_phone = PhoneField(label=_("COVID referent's phone"), required=False)

    class Meta:
        model = SiteCompany
        fields = ["name", "siren", "trade", "referent_name", "referent_phone"]

    def clean_siren(self):
        value = self.cleaned_data["siren"].strip()
        return clean_siren(value) if value else ""

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = SiteCompany.objects.filter(site=self.instance.site, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This company is already on the site."))
        return name

    def clean_referent_phone(self):
        return _phone(self, "referent_phone")


class AnswerForm(forms.Form):
    done_on = forms.DateField(label=_("done on"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    evidence = forms.FileField(label=_("evidence"), required=False)

    def __init__(self, *args, item: ChecklistItem, **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.item = item
        accept = {"photo": "image/jpeg,image/png,image/webp", "document": "application/pdf"}
        if item.evidence_kind in accept:
            self.fields["evidence"].widget.attrs["accept"] = accept[item.evidence_kind]
            self.fields["evidence"].help_text = item.get_evidence_kind_display()
        else:
            del self.fields["evidence"]


class StopForm(forms.Form):
    stopped_on = forms.DateField(label=_("stopped on"), widget=DATE)
    note = forms.CharField(label=_("reason"), max_length=300, required=False)


class GateForm(forms.Form):
    """The self-check at the gate: who, for which company, and the health statement."""

    person_name = forms.CharField(label=_("Your first and last name"), max_length=200)
    company = forms.ChoiceField(label=_("Your company"))
    other_company = forms.CharField(
        label=_("Company (if not in the list)"), max_length=200, required=False
    )
    symptoms = forms.ChoiceField(
        label=_("Do you have any of these symptoms today?"),
        choices=[("no", _("No, none of them")), ("yes", _("Yes, at least one"))],
        widget=forms.RadioSelect,
    )
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, site, **kwargs):
        kwargs.setdefault("initial", {"key": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.companies = {str(c.pk): c for c in site.companies.all()}
        choices = [("", "—")] + [(pk, c.name) for pk, c in self.companies.items()]
        self.fields["company"].choices = choices + [("other", _("Another company"))]

    def clean(self):
        data = super().clean()
        if data.get("company") == "other" and not data.get("other_company", "").strip():
            self.add_error("other_company", _("Give the name of your company."))
        if data.get("company") == "":
            self.add_error("company", _("Choose your company."))
        return data

    def chosen_company(self):
        return self.companies.get(self.cleaned_data["company"])
