"""Forms of outreach; every error names its field in French."""

import datetime as dt
import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.core.models import Membership
from relais.core.phones import PhoneField, national
from relais.core.roles import Role
from relais.housing.forms import CommuneField
from relais.housing.models import Building

from .models import (
    NO_PHONE_OUTCOMES,
    Campaign,
    CampaignKind,
    ConsentBy,
    EntrySource,
    NeedKind,
    Outcome,
    Partner,
    PartnerUser,
    RegisterEntry,
    Weekday,
)

DEFAULT_SCRIPT = _(
    "1. Health: how are you feeling? Any new symptom, fall or fatigue?\n"
    "2. Supplies: do you have enough food and your medicines for the coming days?\n"
    "3. Isolation: who have you seen or spoken to this week?\n"
    "4. Help: do you need anything (shopping, prescription, a form, a visit)?"
)


class KeyField(forms.CharField):
    """A hidden idempotency key: the same submit twice records once."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, max_length=40, **kwargs)


def with_key(form):
    form.fields["key"].initial = secrets.token_hex(16)
    return form


# A consent older than this is not a consent anyone can vouch for today (the register's
# consent is renewed at the latest every five years, like the mayor's register's yearly
# review allows; CASF art. R121-5): refused on the form.
CONSENT_MAX_AGE_YEARS = 5
# Adults only, unless someone signalled the person with a reason (a disabled child whose
# parent is away, a minor living alone): the register is for adults (CASF art. L121-6-1).
ADULT_AGE = 18
SIGNAL_SOURCES = ("staff", "caretaker", "relative")
SIGNAL_REASON_MAX = 200


def years_before(day: dt.date, years: int) -> dt.date:
    """``day`` ``years`` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _field_max(name: str, model=RegisterEntry) -> int:
    """The model field's ``max_length``: the form never accepts more than the column holds."""
    return model._meta.get_field(name).max_length


# A health note is the minimum useful to the caller (GDPR art. 5.1.c, minimisation; health
# data, art. 9): a few lines, not a medical file. The model's TextField has no bound of its own.
HEALTH_NOTE_MAX = 1000  # also refused by ``services.entry_register``
# A campaign's call script: read aloud in one call.
SCRIPT_MAX = 4000


def _years_after(day: dt.date, years: int) -> dt.date:
    """``day`` ``years`` years later (29 February → 28 February; never past 31/12/9999)."""
    if day.year + years > dt.date.max.year:
        return dt.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class EntryForm(forms.Form):
    """Enrolment on the register. ``age``: the person's age today (years), to refuse a minor
    unless signalled with a reason."""

    source = forms.ChoiceField(label=_("Who signalled the person"), choices=EntrySource.choices)
    signal_reason = forms.CharField(
        label=_("Reason of the signal"),
        required=False,
        max_length=SIGNAL_REASON_MAX,
        help_text=_(
            "Needed to register someone under 18: only a signal by staff, a caretaker or a "
            "relative, with its reason, enters a minor on the register."
        ),
    )
    consent_by = forms.ChoiceField(
        label=_("Consent given by"), choices=ConsentBy.choices, widget=forms.RadioSelect
    )
    consent_on = forms.DateField(
        label=_("Consent recorded on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Nobody enters the register without a recorded consent, at most five years old."
        ),
    )
    third_party_name = forms.CharField(
        label=_("Third party's name"), required=False, max_length=_field_max("third_party_name")
    )
    third_party_relation = forms.CharField(
        label=_("Third party's relation (son, guardian, doctor…)"),
        required=False,
        max_length=_field_max("third_party_relation"),
    )
    unfit_for_work = forms.BooleanField(label=_("Recognised unfit for work"), required=False)
    other_phone = PhoneField(
        label=_("Other phone (relative)"),
        required=False,
        help_text=_("A French number, for example 06 12 34 56 78."),
    )
    health_note = forms.CharField(
        label=_("Health note (the minimum useful to the caller)"),
        required=False,
        max_length=HEALTH_NOTE_MAX,
        help_text=_("At most 1,000 characters."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, age: int | None = None, sex: str = "", **kwargs):
        """``sex``: "f", "m" or "" (unknown, ``rules.sex_of``), for the labels about the
        person (« Reconnue inapte au travail »)."""
        super().__init__(*args, **kwargs)
        self.age = age
        if sex == "f":
            self.fields["unfit_for_work"].label = pgettext_lazy(
                "woman", "Recognised unfit for work"
            )
        elif sex == "m":
            self.fields["unfit_for_work"].label = pgettext_lazy("man", "Recognised unfit for work")

    def clean_consent_on(self):
        day = self.cleaned_data["consent_on"]
        today = timezone.localdate()
        if day is not None and day > today:
            raise forms.ValidationError(_("The consent cannot be dated in the future."))
        if day is not None and day < years_before(today, CONSENT_MAX_AGE_YEARS):
            raise forms.ValidationError(
                _("A consent more than five years old is not valid: record it again today.")
            )
        return day

    def clean_other_phone(self):
        """Stored in the national writing (« 06 12 34 56 78 », ``phones.national``): the call
        screen shows it as it is and dials it without the spaces."""
        number = self.cleaned_data["other_phone"]
        return national(number) if number else ""

    def clean(self):
        """Under 18: a signal with its reason, and the consent of a third party (a parent or
        legal guardian, who represents the minor: Code civil art. 388-1-1). By the person:
        the third-party fields are cleared, never stored."""
        data = super().clean()
        if data.get("consent_by") == ConsentBy.PERSON:
            data["third_party_name"] = data["third_party_relation"] = ""
        if self.age is not None and self.age < ADULT_AGE:
            if data.get("consent_by") == ConsentBy.PERSON:
                self.add_error(
                    "consent_by",
                    _("A person under 18 cannot consent alone: a parent or legal guardian "
                      "gives the consent (a third party)."),
                )  # fmt: skip
            if data.get("source") not in SIGNAL_SOURCES:
                self.add_error(
                    "source",
                    _("A person under 18 enters the register only on a signal (staff, "
                      "caretaker or relative)."),
                )  # fmt: skip
            elif not (data.get("signal_reason") or "").strip():
                self.add_error(
                    "signal_reason", _("Give the reason of the signal for a person under 18.")
                )
        return data


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for leaving"), max_length=_field_max("left_reason"))


class HealthNoteForm(forms.Form):
    health_note = forms.CharField(
        label=_("Health note"),
        required=False,
        max_length=HEALTH_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


CADENCE_MIN, CADENCE_MAX = 1, 60
# A campaign answers one crisis (a heat-wave summer, a lockdown): it ends at most two years
# after its start; a longer follow-up is a new campaign.
CAMPAIGN_MAX_YEARS = 2
# Personal data of a closed campaign (calls, needs, referrals) kept at most ten years, 90 days
# by default (the model's default): ``services.purge_due`` deletes it once past.
RETENTION_MAX_DAYS = 3650
_CADENCE_RANGE = _("Between 1 and 60 days.")
AGE_MAX = 120
# The cadences (issue 10 §2): every 2 days in a heat-wave alert, every 7 in a
# lockdown; used when the cadence is left empty.
KIND_CADENCE = {CampaignKind.HEATWAVE: 2, CampaignKind.LOCKDOWN: 7}


class CampaignForm(forms.ModelForm):
    """A campaign: its name (at most 200 characters), cadence (1–60 days; left empty, 2 for a
    heat wave and 7 for a lockdown), the minimum age of its scope (0–120), a start at most a
    year ago (an existing campaign keeps its own)."""

    scope_commune = CommuneField(label=_("Only this commune"), required=False, help_text="")
    building_reference = forms.CharField(
        label=_("Only this building (its reference)"), required=False, max_length=30
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "cadence_days",
            "script",
            "scope_min_age",
            "starts_on",
            "ends_on",
            "start_with_switch",
            "retention_days",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "script": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "cadence_days": _(
                "Between 1 and 60 days. Left empty: every 2 days in a heat-wave alert, every "
                "7 in a lockdown."
            ),
            "ends_on": _("After the start, at most two years after it."),
            "retention_days": _(
                "Between 0 and 3,650 days (90 by default): then the calls, needs and referrals "
                "are deleted, leaving only anonymous counts."
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        cadence = self.fields["cadence_days"]
        cadence.required = False
        cadence.min_value, cadence.max_value = CADENCE_MIN, CADENCE_MAX
        cadence.validators = [v for v in cadence.validators if not hasattr(v, "limit_value")]
        cadence.error_messages["min_value"] = cadence.error_messages["max_value"] = _CADENCE_RANGE
        cadence.widget.attrs.update(min=CADENCE_MIN, max=CADENCE_MAX)
        age = self.fields["scope_min_age"]
        age.max_value = AGE_MAX
        age.validators = [v for v in age.validators if not hasattr(v, "limit_value")]
        age.widget.attrs.update(min=0, max=AGE_MAX)
        retention = self.fields["retention_days"]
        retention.min_value, retention.max_value = 0, RETENTION_MAX_DAYS
        retention.validators = [v for v in retention.validators if not hasattr(v, "limit_value")]
        retention.widget.attrs.update(min=0, max=RETENTION_MAX_DAYS)
        self.fields["script"].max_length = SCRIPT_MAX
        self.fields["script"].widget.attrs["maxlength"] = SCRIPT_MAX
        self.fields["name"].widget.attrs["maxlength"] = self.fields["name"].max_length
        self.fields["script"].initial = DEFAULT_SCRIPT
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_cadence_days(self):
        """Left empty: the kind's cadence (``KIND_CADENCE``); otherwise 1–60 days."""
        days = self.cleaned_data["cadence_days"]
        if days is None:
            days = KIND_CADENCE.get(self.cleaned_data.get("kind"))
            if days is None:
                raise forms.ValidationError(_CADENCE_RANGE)
        if not CADENCE_MIN <= days <= CADENCE_MAX:
            raise forms.ValidationError(_CADENCE_RANGE)
        return days

    def clean_scope_min_age(self):
        age = self.cleaned_data["scope_min_age"]
        if age is not None and not 0 <= age <= AGE_MAX:
            raise forms.ValidationError(_("Between 0 and 120 years."))
        return age

    def clean_retention_days(self):
        days = self.cleaned_data["retention_days"]
        if days is not None and not 0 <= days <= RETENTION_MAX_DAYS:
            raise forms.ValidationError(_("Between 0 and 3,650 days."))
        return days

    def clean_script(self):
        script = self.cleaned_data["script"]
        if len(script) > SCRIPT_MAX:
            raise forms.ValidationError(_("At most 4,000 characters."))
        return script

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if day is None:
            return day
        earliest = years_before(timezone.localdate(), 1)
        unchanged = self.instance.pk and day == self.instance.starts_on
        if day < earliest and not unchanged:
            raise forms.ValidationError(_("A campaign starts at most a year ago."))
        if day > _years_after(timezone.localdate(), 1):
            raise forms.ValidationError(_("A campaign starts at most a year from today."))
        return day

    def clean_building_reference(self):
        reference = self.cleaned_data["building_reference"].strip()
        if not reference:
            return None
        building = Building.objects.filter(
            organisation=self.organisation, reference=reference
        ).first()
        if building is None:
            raise forms.ValidationError(_("No building has this reference."))
        return building

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end comes before the start."))
        elif starts and ends and ends > _years_after(starts, CAMPAIGN_MAX_YEARS):
            self.add_error("ends_on", _("A campaign ends at most two years after its start."))
        return data

    def fields_for_service(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["scope_commune"] = self.cleaned_data.get("scope_commune")
        data["scope_building"] = self.cleaned_data.get("building_reference")
        return data


# The call note's bound, in characters (as the note for the social services).
CALL_NOTE_MAX = 1000


class CallForm(forms.Form):
    """The call screen's form. No referral unless the caller picks a partner (one click
    must not share data); what a referral carries is said on the field, and the caller's
    ``note`` never goes with it — only ``partner_note``, written for the social services."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        help_text=_("Only for a person reached with needs."),
        choices=NeedKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    need_detail = forms.CharField(label=_("Detail of the needs"), required=False, max_length=300)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Kept with the landlord's call history; never sent to the social services."),
        required=False,
        max_length=CALL_NOTE_MAX,
        error_messages={
            "max_length": _(
                "Keep the note to %(limit_value)d characters (it has %(show_value)d): "
                "the essentials of the call."
            )
        },
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    refer_to = forms.ModelChoiceField(
        label=_("Refer to social services"),
        help_text=_(
            "Only for a person reached with needs. The partner receives the person's name, "
            "address and phone, the needs and their detail, the consent the register rests "
            "on, and the note for the social services below if you write one — nothing else."
        ),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("No referral"),
    )
    partner_note = forms.CharField(
        label=_("Note for the social services"),
        help_text=_("Sent with the referral: only what they need to act."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    key = KeyField()

    def __init__(self, *args, organisation, has_phone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refer_to"].queryset = Partner.objects.filter(organisation=organisation)
        if not has_phone:  # no call can happen: only what is known otherwise
            self.fields["outcome"].choices = [
                (value, label) for value, label in Outcome.choices if value in NO_PHONE_OUTCOMES
            ]
            self.fields["outcome"].help_text = _(
                "No phone number on file: only what you learnt otherwise (a relative, the "
                "hospital)."
            )
            for name in ("needs", "need_detail", "refer_to", "partner_note"):
                del self.fields[name]  # needs come with a person reached

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.NEEDS and not data.get("needs"):
            self.add_error("needs", _("Tick at least one need, or choose “reached and fine”."))
        if outcome and outcome != Outcome.NEEDS and data.get("needs"):
            self.add_error(
                "needs",
                _("Needs are recorded only with “reached, with needs”: choose it, or untick them."),
            )
        if outcome and outcome != Outcome.NEEDS and data.get("refer_to"):
            self.add_error(
                "refer_to", _("A referral is sent only for a person reached with needs.")
            )
        if data.get("partner_note", "").strip() and not data.get("refer_to"):
            self.add_error(
                "partner_note", _("Choose the social services to send it to, or leave it empty.")
            )
        return data


class VisitForm(forms.Form):
    seen_fine = forms.TypedChoiceField(
        label=_("Outcome of the visit"),
        choices=[("1", _("Seen, and fine")), ("0", _("Not seen, or needs help"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class PartnerForm(forms.ModelForm):
    """A partner: its name (unique here), kind, commune (a CCAS serves one), e-mail and a
    French phone, stored « 02 47 60 00 00 » (not any 30 characters)."""

    commune = CommuneField(label=_("Commune"), required=False, help_text="")
    phone = PhoneField(
        label=_("Phone"),
        required=False,
        help_text=_("A French number, for example 02 47 60 00 00."),
    )

    class Meta:
        model = Partner
        fields = ["name", "kind", "commune", "email", "phone"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Partner.objects.filter(organisation=self.organisation, name=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A partner already has this name."))
        return name

    def clean_phone(self):
        number = self.cleaned_data["phone"]
        return national(number) if number else ""

    def clean(self):
        data = super().clean()
        if data.get("kind") == "ccas" and not data.get("commune"):
            self.add_error("commune", _("A CCAS serves one commune: name it."))
        return data


class PartnerUserForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Member with the social-services partner role"), queryset=Membership.objects.none()
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        linked = PartnerUser.objects.filter(organisation=organisation).values("membership_id")
        self.fields["membership"].queryset = (
            Membership.objects.filter(
                organisation=organisation, role=Role.SOCIAL_PARTNER, is_active=True
            )
            .exclude(pk__in=linked)
            .select_related("user")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            m.user.get_full_name() or m.user.username
        )


FEEDBACK_MAX = 2000


class FeedbackForm(forms.Form):
    """A partner's feedback: at most ``FEEDBACK_MAX`` (2,000) characters; empty only to close
    the referral."""

    text = forms.CharField(
        label=_("Your feedback"),
        required=False,
        max_length=FEEDBACK_MAX,
        help_text=_("At most 2,000 characters."),
        error_messages={"max_length": _("At most 2,000 characters (you wrote %(show_value)d).")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    close = forms.BooleanField(label=_("Close the referral (follow-up done)"), required=False)

    def clean(self):
        data = super().clean()
        if "text" in data and not data["text"].strip() and not data.get("close"):
            self.add_error("text", _("Write your feedback, or tick “close the referral”."))
        return data


class RotaForm(forms.Form):
    """The weekly rota: one field per active outreach caller (``caller-<membership id>``), the
    weekdays they are on duty (0 Monday … 6 Sunday)."""

    def __init__(self, *args, callers, slots: dict[int, set[int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.callers = list(callers)
        for membership in self.callers:
            self.fields[f"caller-{membership.pk}"] = forms.TypedMultipleChoiceField(
                label=membership.user.get_full_name() or membership.user.username,
                choices=Weekday.choices,
                coerce=int,
                required=False,
                initial=sorted(slots.get(membership.pk, ())),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )

    def rows(self):
        """[(membership, bound field)] in the callers' order, for the grid."""
        return [(m, self[f"caller-{m.pk}"]) for m in self.callers]

    def slots(self) -> dict[int, set[int]]:
        return {m.pk: set(self.cleaned_data[f"caller-{m.pk}"]) for m in self.callers}
