"""Forms of the rent pages; amounts typed in euros (« 1 234,56 ») become integer cents."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.formats import numbers
from relais.formats.forms import IbanField

from .models import Method, RentSettings, StepKind
from .notices import month_fr
from .rules import add_months


class EurosField(forms.CharField):
    """« 1 234,56 » → 123456 cents."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return numbers.money(value)
        except numbers.NumberError as exc:
            raise forms.ValidationError(exc.message) from exc


def _month_choices(today: dt.date):

    first = today.replace(day=1)
    return [
        (add_months(first, delta).isoformat(), month_fr(add_months(first, delta)).capitalize())
        for delta in range(1, -13, -1)
    ]


class MonthForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = _month_choices(timezone.localdate())
        self.fields["month"].initial = timezone.localdate().replace(day=1).isoformat()

    def clean_month(self):
        return dt.date.fromisoformat(self.cleaned_data["month"])


class DirectDebitForm(MonthForm):
    """The month whose open amounts are collected, and the collection date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].label = _("Month to collect")

    collect_on = forms.DateField(
        label=_("Collection date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class PaymentForm(forms.Form):
    lease = forms.CharField(label=_("Lease reference"), max_length=30)
    amount = EurosField(label=_("Amount (€)"))
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    reference = forms.CharField(label=_("Note or cheque number"), max_length=300, required=False)


class StatementForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement"),
        help_text=_(
            "camt.053 or camt.054 (XML), or CSV with the columns date; montant; libellé; émetteur."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class MatchForm(forms.Form):
    lease = forms.CharField(label=_("Lease reference"), max_length=30)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=[(k, label) for k, label in StepKind.choices])
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class PlanForm(forms.Form):
    instalments = forms.IntegerField(
        label=_("Number of monthly instalments"), min_value=1, max_value=60
    )
    first_due = forms.DateField(
        label=_("First instalment on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class MandateForm(forms.Form):
    reference = forms.CharField(label=_("Mandate reference"), max_length=35)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    debtor_name = forms.CharField(label=_("Account holder"), max_length=70)
    iban = IbanField(label=_("IBAN"))
    bic = forms.CharField(label=_("BIC"), max_length=11)


class SettingsForm(forms.ModelForm):
    # Typed with spaces or not, stored compact, shown in groups of four.
    creditor_iban = IbanField(
        label=RentSettings._meta.get_field("creditor_iban").verbose_name, required=False
    )

    class Meta:
        model = RentSettings
        fields = [
            "truce_start_day",
            "truce_start_month",
            "truce_end_day",
            "truce_end_month",
            "creditor_name",
            "creditor_iban",
            "creditor_bic",
            "creditor_id",
        ]

    def clean(self):
        data = super().clean()
        for prefix in ("truce_start", "truce_end"):
            month, day = data.get(f"{prefix}_month"), data.get(f"{prefix}_day")
            if month is None or day is None:
                continue
            try:
                dt.date(2024, month, day)
            except ValueError:
                self.add_error(f"{prefix}_day", _("This is not a day of that month."))
        return data


class TermsForm(forms.Form):
    """New rent terms of a lease, from a month; the APL field only for ``lease.view_benefit``."""

    valid_from = forms.ChoiceField(label=_("From"))
    rent = EurosField(label=_("Base rent (€)"))
    charges = EurosField(label=_("Charges provision (€)"))
    benefit = EurosField(
        label=_("Housing benefit paid to us (APL, €)"), required=False, initial="0"
    )
    rls = EurosField(label=_("Rent reduction (RLS, €)"), required=False, initial="0")

    def __init__(self, *args, show_benefit: bool, first_open: dt.date, **kwargs):
        """``first_open``: the first month whose rent is not called yet (terms.first_open)."""
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].choices = [
            (month.isoformat(), month_fr(month).capitalize())
            for month in (add_months(first_open, delta) for delta in range(13))
        ]
        self.fields["valid_from"].initial = first_open.isoformat()
        if not show_benefit:
            del self.fields["benefit"]

    def clean_valid_from(self):
        return dt.date.fromisoformat(self.cleaned_data["valid_from"])

    def amounts(self) -> dict:
        data = self.cleaned_data
        found = {
            "valid_from": data["valid_from"],
            "rent_cents": data["rent"],
            "charges_cents": data["charges"],
            "rls_cents": data.get("rls") or 0,
        }
        if "benefit" in self.fields:
            found["benefit_cents"] = data.get("benefit") or 0
        return found
