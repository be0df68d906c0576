"""Forms of the rounds: a building's round with its steps (new or edited), its caretaker and
usual replacement, a replacement, a commune's waste collection, a remark with a photo and
the intervention category it is filed under."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from relais.core.models import Membership
from relais.core.roles import Role
from relais.housing.models import Building, Commune
from relais.interventions.categories.selectors import leaf_choices, leaves
from relais.interventions.models import Category
from relais.interventions.requests.photos import reencode

from .models import (
    EVERY_DAY,
    CollectionStream,
    Replacement,
    RoundKind,
    RoundTemplate,
    fits_in_day,
)

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


def _days(mask: int | None) -> list[int]:
    """The WEEKDAYS values of a weekdays bit mask."""
    return [value for value, _label in WEEKDAYS if mask and mask & value]


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
            "follows_collection",
            "is_active",
        ]
        widgets = {"first_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "crisis_passages": _("While the organisation is in crisis mode; empty: the same."),
            "follows_collection": _(
                "Bins rounds only: bins out the evening before each collection of the "
                "building's commune, bins in on the day; the weekdays above are then not used."
            ),
            "is_active": _("Untick to stop planning this round (its history stays)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.initial.get("kind", RoundKind.DISINFECTION)
        if self.instance.pk:
            self.initial.setdefault("days", _days(self.instance.weekdays))
            self.initial.setdefault("crisis_days", _days(self.instance.crisis_weekdays))
            labels = self.instance.steps.order_by("position").values_list("label", flat=True)
            self.initial.setdefault("steps", "\n".join(labels))
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
        self._check_fits_in_day(data)
        bins = (RoundKind.BINS_OUT, RoundKind.BINS_IN)
        if data.get("follows_collection") and data.get("kind") not in bins:
            self.add_error(
                "follows_collection", _("Only bins rounds follow the collection calendar.")
            )
        return data

    def _check_fits_in_day(self, data):
        """The last passage (usual or crisis) must end by midnight, the day it belongs to."""
        start, interval = data.get("first_start"), data.get("interval_minutes")
        window = data.get("window_minutes")
        if start is None or interval is None or window is None:
            return
        for field in ("passages", "crisis_passages"):
            count = data.get(field)
            if (
                count
                and field not in self.errors
                and not fits_in_day(start, count, interval, window)
            ):
                self.add_error(
                    field,
                    _(
                        "%(field)s: %(n)d passages %(interval)d minutes apart from %(start)s "
                        "(%(window)d minutes each) run past midnight; fewer passages, a shorter "
                        "interval or an earlier first passage."
                    )
                    % {
                        "field": self.fields[field].label,
                        "n": count,
                        "interval": interval,
                        "start": start.strftime("%H:%M"),
                        "window": window,
                    },
                )

    def save(self, commit=False):
        template = super().save(commit=False)
        template.weekdays = sum(self.cleaned_data["days"]) or EVERY_DAY
        template.crisis_weekdays = sum(self.cleaned_data["crisis_days"]) or None
        return template


class CaretakerForm(forms.Form):
    caretaker = forms.ModelChoiceField(label=_("Caretaker"), queryset=None)
    backup = forms.ModelChoiceField(
        label=_("Usual replacement"),
        queryset=None,
        required=False,
        help_text=_(
            "Does the rounds on the days the caretaker declares themselves absent in the "
            "staff availability, unless you record a replacement for those dates."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("caretaker", "backup"):
            self.fields[name].queryset = caretakers(organisation)
            self.fields[name].label_from_instance = _person
        current = self.initial.get("caretaker")
        if current and not self.is_bound:
            # The caretaker cannot be their own usual replacement: not offered.
            self.fields["backup"].queryset = caretakers(organisation).exclude(pk=current)

    def clean(self):
        data = super().clean()
        if data.get("backup") and data.get("backup") == data.get("caretaker"):
            self.add_error("backup", _("Choose someone other than the caretaker."))
        return data


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


class CollectionForm(forms.ModelForm):
    """A waste stream of one commune where the organisation has buildings."""

    days = forms.TypedMultipleChoiceField(
        label=_("Collection days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CollectionStream
        fields = ["commune", "stream", "on_holiday"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        used = Building.objects.filter(organisation=organisation).values("commune_id")
        self.fields["commune"].queryset = Commune.objects.filter(code__in=used).order_by("name")
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.code})"
        if self.instance.pk:
            self.initial.setdefault("days", _days(self.instance.weekdays))

    def clean(self):
        data = super().clean()
        duplicate = CollectionStream.objects.filter(
            organisation=self.organisation, commune=data.get("commune"), stream=data.get("stream")
        ).exclude(pk=self.instance.pk)
        if data.get("commune") and duplicate.exists():
            self.add_error("stream", _("This commune already has this waste: edit it instead."))
        return data

    def save(self, commit=False):
        stream = super().save(commit=False)
        stream.weekdays = sum(self.cleaned_data["days"])
        return stream


def remark_category_groups(organisation) -> list[tuple[str, list[tuple[int, str]]]]:
    """The grouped kinds of problem a caretaker's remark offers after its first, empty choice
    ("Other problem"): the organisation's leaves without its "other" category, which the
    empty choice already stands for (it was offered twice)."""
    other = set(
        Category.objects.for_organisation(organisation)
        .filter(code="other")
        .values_list("pk", flat=True)
    )
    groups = []
    for family, kinds in leaf_choices(organisation):
        kept = [(pk, name) for pk, name in kinds if pk not in other]
        if kept:
            groups.append((family, kept))
    return groups


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Remark"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.TypedChoiceField(
        label=_("Kind of problem"), required=False, coerce=int, empty_value=None
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    key = forms.CharField(max_length=64, min_length=8, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["category"].choices = [
            ("", _("Other problem")),
            *remark_category_groups(organisation),
        ]

    def clean_category(self):
        """The chosen category (an active leaf of the organisation's tree), or None: "other"."""
        pk = self.cleaned_data.get("category")
        if pk is None:
            return None
        found = leaves(self.organisation).filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(_("Choose a kind of problem from the list."))
        return found

    def clean_photo(self):
        """The photo re-encoded without its metadata by interventions' photo checks."""
        upload = self.cleaned_data.get("photo")
        return reencode(upload) if upload else None
