"""Forms of the commission and session pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.housing.forms import CommuneField

from ..models import (
    Commission,
    DeclarationKind,
    PositionChoice,
    Seat,
    SessionKind,
)


class CommissionForm(forms.ModelForm):
    class Meta:
        model = Commission
        fields = ["name", "territory", "quorum_ratio", "remote_duration_hours"]
        help_texts = {
            "quorum_ratio": _(
                "Share of the voting members who must take part in an item, e.g. 0.50 for half "
                "(the rule for remote deliberations)."
            ),
        }


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    seat = forms.ChoiceField(label=_("Seat"), choices=[("", "—"), *Seat.choices])
    commune = CommuneField(
        required=False,
        help_text=_("For a mayor's seat: the commune whose dwellings get their casting vote."),
    )

    def clean(self):
        data = super().clean()
        if data.get("seat") == Seat.MAYOR and not data.get("commune"):
            self.add_error("commune", _("A mayor's seat is for one commune."))
        return data


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Leave empty for the commission's usual length (remote) or three hours (in person)."
        ),
    )

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The session must close after it opens."))
        if data.get("kind") == SessionKind.REMOTE and closes_at and closes_at <= timezone.now():
            self.add_error("closes_at", _("The closing time is already past."))
        return data


class PositionForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Position"), choices=PositionChoice.choices, widget=forms.RadioSelect
    )
    rank = forms.IntegerField(label=_("Rank"), min_value=1, required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        choice = data.get("choice")
        if choice == PositionChoice.ATTRIBUTION and not data.get("rank"):
            self.add_error("rank", _("Give the rank you propose."))
        if choice and choice != PositionChoice.ATTRIBUTION and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason."))
        return data


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(choices=DeclarationKind.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    withdraw = forms.BooleanField(required=False, widget=forms.HiddenInput)
