"""Forms of continuity: the day's declaration (one tap on a phone), the directory entry, a
critical activity and its minimum staffing, a line of the decision log."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import Agency, Membership

from .models import HEALTH_STATUSES, CriticalActivity, DayStatus, MinimumStaffing, StaffMember

# How far a day may be declared: a week back (a forgotten day), two months ahead (leave).
DAYS_BACK, DAYS_AHEAD = 7, 60


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _members(organisation):
    users = Membership.objects.filter(organisation=organisation, is_active=True)
    return (
        get_user_model()
        .objects.filter(pk__in=users.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


def status_choices(*, health: bool) -> list[tuple[str, str]]:
    """The statuses a person may pick: everyone picks their own (health included); a manager
    declaring for someone else picks "absent" without saying why, unless they are HR."""
    return [(v, label) for v, label in DayStatus.choices if health or v not in HEALTH_STATUSES]


class DeclareForm(forms.Form):
    status = forms.ChoiceField(label=_("Today"))
    day = forms.DateField(
        label=_("Another day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, health: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices(health=health)

    def clean_day(self):
        day = self.cleaned_data.get("day") or timezone.localdate()
        today = timezone.localdate()
        if not today - dt.timedelta(days=DAYS_BACK) <= day <= today + dt.timedelta(DAYS_AHEAD):
            raise forms.ValidationError(
                _("A day may be declared from a week back to two months ahead.")
            )
        return day


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["membership", "team", "agency", "manager", "can_drive", "first_aid", "vulnerable"]

    def __init__(self, *args, organisation, health: bool, **kwargs):
        super().__init__(*args, **kwargs)
        taken = StaffMember.objects.for_organisation(organisation).exclude(pk=self.instance.pk)
        membership = self.fields["membership"]
        membership.label = _("person")
        membership.queryset = (
            Membership.objects.filter(organisation=organisation, is_active=True)
            .exclude(pk__in=taken.values("membership_id"))
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        membership.label_from_instance = lambda m: f"{_person(m.user)} ({m.get_role_display()})"
        self.fields["agency"].queryset = Agency.objects.for_organisation(organisation)
        self.fields["manager"].queryset = _members(organisation)
        self.fields["manager"].label_from_instance = _person
        if not health:
            del self.fields["vulnerable"]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = CriticalActivity
        fields = ["name", "max_downtime_hours", "owner", "fallback", "dependencies"]
        widgets = {
            "fallback": forms.Textarea(attrs={"rows": 3}),
            "dependencies": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)
        self.fields["owner"].label_from_instance = _person
        self.fields["owner"].help_text = _("Alerted by e-mail when the activity is short-staffed.")


class MinimumForm(forms.ModelForm):
    class Meta:
        model = MinimumStaffing
        fields = ["role", "agency", "minimum", "on_site_only"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_organisation(organisation)
        self.fields["agency"].empty_label = _("Any site")


MinimumFormSet = forms.inlineformset_factory(
    CriticalActivity, MinimumStaffing, form=MinimumForm, extra=1, can_delete=True
)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Why"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
