"""Forms of the rounds: a building's round with its steps, its caretaker, a replacement, a
remark with a photo."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from relais.core.models import Membership
from relais.core.roles import Role
from relais.interventions.requests.photos import reencode

from .models import EVERY_DAY, Replacement, RoundKind, RoundTemplate

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (4, _("Wednesday")),
    (8, _("Thursday")),
    (16, _("Friday")),
    (32, _("Saturday")),
    (64, _("Sunday")),
]
# Touch points of a building's entrance (issue 9 §1), offered as the default steps.
DEFAULT_STEPS = {
    RoundKind.DISINFECTION: [
        "Poignées de la porte d'entrée",
        "Boutons de l'ascenseur",
        "Interphone",
        "Boîtes aux lettres",
        "Rampes d'escalier",
        "Porte du local poubelles",
        "Interrupteurs",
    ],
    RoundKind.CLEANING: ["Hall d'entrée", "Escaliers et paliers", "Vitres de la porte"],
    RoundKind.BINS_OUT: ["Sortir les bacs"],
    RoundKind.BINS_IN: ["Rentrer les bacs", "Nettoyer le local poubelles"],
}


def caretakers(organisation):
    """Users with an active caretaker membership in ``organisation``."""
    members = Membership.objects.filter(
        organisation=organisation, role=Role.CARETAKER, is_active=True
    )
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"))
        .order_by("last_name", "first_name", "pk")
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


class RoundForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    crisis_days = forms.TypedMultipleChoiceField(
        label=_("Weekdays in crisis mode"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the same days as usual."),
    )
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One step a line, in the order of the round (at most 20)."),
    )

    class Meta:
        model = RoundTemplate
        fields = [
            "kind",
            "name",
            "first_start",
            "passages",
            "interval_minutes",
            "window_minutes",
            "crisis_passages",
        ]
        widgets = {"first_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "crisis_passages": _("While the organisation is in crisis mode; empty: the same."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.initial.get("kind", RoundKind.DISINFECTION)
        self.initial.setdefault("days", [value for value, _label in WEEKDAYS])
        self.initial.setdefault("steps", "\n".join(DEFAULT_STEPS[kind]))
        self.fields["passages"].max_value = 8

    def clean_steps(self):
        lines = [line.strip()[:120] for line in self.cleaned_data["steps"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Write at least one step."))
        if len(lines) > 20:
            raise forms.ValidationError(
                _("At most 20 steps (you wrote %(n)d).") % {"n": len(lines)}
            )
        return lines

    def clean(self):
        data = super().clean()
        for field in ("passages", "crisis_passages"):
            value = data.get(field)
            if value is not None and not 1 <= value <= 8:
                self.add_error(field, _("Between 1 and 8 passages a day."))
        return data

    def save(self, commit=False):
        template = super().save(commit=False)
        template.weekdays = sum(self.cleaned_data["days"]) or EVERY_DAY
        template.crisis_weekdays = sum(self.cleaned_data["crisis_days"]) or None
        return template


class CaretakerForm(forms.Form):
    caretaker = forms.ModelChoiceField(label=_("Caretaker"), queryset=None)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caretaker"].queryset = caretakers(organisation)
        self.fields["caretaker"].label_from_instance = _person


class ReplacementForm(forms.ModelForm):
    class Meta:
        model = Replacement
        fields = ["absent", "replacement", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("absent", "replacement"):
            self.fields[name].queryset = caretakers(organisation)
            self.fields[name].label_from_instance = _person
        for name in ("starts_on", "ends_on"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        data = super().clean()
        if data.get("absent") and data.get("absent") == data.get("replacement"):
            self.add_error("replacement", _("Choose someone other than the absent caretaker."))
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end comes before the start."))
        return data


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Remark"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    key = forms.CharField(max_length=64, min_length=8, widget=forms.HiddenInput)

    def clean_photo(self):
        """The photo re-encoded without its metadata by interventions' photo checks."""
        upload = self.cleaned_data.get("photo")
        return reencode(upload) if upload else None
