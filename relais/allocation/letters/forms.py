"""Forms of the letter pages: the receipt of an offer."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ReceiptKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferReceiptForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    kind = forms.ChoiceField(label=_("Proof of receipt"), choices=ReceiptKind.choices)
