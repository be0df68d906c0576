"""Forms of the commission and session pages."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.housing.forms import CommuneField
from relais.housing.models import Building, Epci

from ..models import (
    Commission,
    CommissionRules,
    DeclarationKind,
    PositionChoice,
    Seat,
    SessionKind,
)


class CommissionForm(forms.ModelForm):
    class Meta:
        model = Commission
        fields = ["name", "territory", "remote_duration_hours"]


class CommissionRulesForm(forms.ModelForm):
    """The commission's internal rules, as far as the vote applies them."""

    class Meta:
        model = CommissionRules
        fields = [
            "adopted_on",
            "remote_sessions_allowed",
            "quorum_ratio",
            "decision_rule",
            "casting_vote",
        ]
        localized_fields = ["quorum_ratio"]  # 0,50 on French pages
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decision_rule": forms.RadioSelect,
            "casting_vote": forms.RadioSelect,
        }
        help_texts = {
            "quorum_ratio": _(
                "Share of an item's voting members who must take part, e.g. 0.50 for half "
                "(the minimum for a remote deliberation, ordonnance 2014-1329)."
            ),
            "casting_vote": _(
                "The mayor by default; the EPCI president only where the intercommunal housing "
                "conference and the demand-management plan give it to him."
            ),
        }

    def clean_quorum_ratio(self):
        ratio = self.cleaned_data["quorum_ratio"]
        remote = self.cleaned_data.get("remote_sessions_allowed")
        if ratio is not None and remote and ratio < Decimal("0.5"):
            raise forms.ValidationError(
                _("A remote deliberation needs at least half of the members (0.50).")
            )
        return ratio


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    seat = forms.ChoiceField(label=_("Seat"), choices=[("", "—"), *Seat.choices])
    commune = CommuneField(
        required=False,
        help_text=_("For a mayor's seat: the commune whose dwellings they vote on."),
    )
    epci = forms.ModelChoiceField(
        label=_("EPCI"),
        queryset=Epci.objects.none(),
        required=False,
        help_text=_("For an EPCI president's seat: the EPCI whose dwellings they vote on."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # The EPCIs where the landlord has stock: those of the dwellings a seat can vote on.
        stock = Building.objects.filter(organisation=organisation).values("commune__epci_id")
        self.fields["epci"].queryset = Epci.objects.filter(code__in=stock).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("seat") == Seat.MAYOR and not data.get("commune"):
            self.add_error("commune", _("A mayor's seat is for one commune."))
        if data.get("seat") == Seat.EPCI and not data.get("epci"):
            self.add_error("epci", _("An EPCI president's seat is for one EPCI."))
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
