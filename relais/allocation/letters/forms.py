"""Forms of the letter pages: the officer's review, the receipt of an offer, the reasons."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ReasonKind, ReceiptKind
from .reasons import reasons_for
from .sending import WORDING_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferReceiptForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    kind = forms.ChoiceField(label=_("Proof of receipt"), choices=ReceiptKind.choices)


class LetterReviewForm(forms.Form):
    """The reasons offered are the organisation's active ones for the letter's decision
    type; the service checks them again (a reason withdrawn meanwhile is refused)."""

    reasons = forms.ModelMultipleChoiceField(
        label=_("Reasons printed in the letter"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wording = forms.CharField(
        label=_("Additional wording (optional)"),
        required=False,
        max_length=WORDING_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed as written, under the reasons. Members' notes are never printed."),
    )

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].queryset = reasons_for(letter.organisation, letter.reason_kind)


class LetterReasonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision type"), choices=ReasonKind.choices)
    text = forms.CharField(
        label=_("Text printed in the letter"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LetterReasonEditForm(forms.Form):
    text = forms.CharField(
        label=_("Text printed in the letter"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_active = forms.BooleanField(
        label=_("Offered to officers"),
        required=False,
        help_text=_("Untick to withdraw it: letters already sent keep what they said."),
    )
