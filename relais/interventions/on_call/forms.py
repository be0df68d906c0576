"""Form of an on-call shift (times in Europe/Paris)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.crisis import validate_phone
from relais.core.models import Agency, Membership

from ..models import OnCallShift


class ShiftForm(forms.ModelForm):
    class Meta:
        model = OnCallShift
        fields = ["agency", "person", "person_name", "phone", "starts_at", "ends_at", "rank"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "rank": _("1 is called first; 2 when 1 has not acknowledged in time, and so on."),
            "person_name": _("As the tenant or the alert shows it."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.for_organisation(organisation)
        users = Membership.objects.filter(organisation=organisation, is_active=True)
        person = self.fields["person"]
        person.queryset = person.queryset.filter(pk__in=users.values("user_id"))
        person.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"].strip(), where=str(_("on-call phone")))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data
