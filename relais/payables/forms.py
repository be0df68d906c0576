"""Forms of the payables pages. Amounts are typed in euros (« 1 234,56 », the shared
``relais.formats.forms.EuroField``) and kept in cents."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren, siret

from relais.core.models import Membership
from relais.formats.forms import EuroField, IbanField
from relais.interventions.contractors.forms import clean_siren

from . import rules
from .models import Budget, Level, PayablesSettings, Regime, Supplier

MAX_FILE_BYTES = 10 * 1024 * 1024
# Invoices and budget lines up to 9 999 999 999,99 € (the shared field's default stops at 10 M€).
INVOICE_DIGITS = 12
# The ECB main refinancing rate has never been above 4.75 % (475 bp); 20 % is a typing error.
MAX_ECB_RATE_BP = 2_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SupplierForm(forms.ModelForm):
    # Typed with spaces ("552 100 554 00013"), stored compact.
    siren = forms.CharField(label=_("SIREN"), max_length=20)
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    iban = IbanField(label=_("IBAN"))

    class Meta:
        model = Supplier
        fields = [
            "name",
            "siren",
            "siret",
            "vat_number",
            "iban",
            "bic",
            "small_business",
            "email",
            "contractor",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        from relais.interventions.contractors.selectors import contractor_list

        self.fields["contractor"].queryset = contractor_list(organisation)
        self.fields["contractor"].help_text = _(
            "The same company in interventions: its work orders are matched to its invoices."
        )

    def clean_siren(self):
        value = clean_siren(self.cleaned_data["siren"])
        taken = Supplier.objects.filter(organisation=self.organisation, siren=value).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(_("A supplier with this SIREN already exists."))
        return value

    def clean_siret(self):
        value = self.cleaned_data["siret"].replace(" ", "")
        if value:
            try:
                value = siret.validate(value)
            except stdnum_errors.ValidationError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a SIRET number (14 digits)."), params={"value": value}
                ) from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("siret") and data.get("siren") and not data["siret"].startswith(data["siren"]):
            self.add_error("siret", _("The SIRET must start with the SIREN."))
        contractor = data.get("contractor")
        if contractor and data.get("siren") and contractor.siren != data["siren"]:
            self.add_error(
                "contractor",
                _("This contractor has another SIREN (%(siren)s).")
                % {"siren": siren.format(contractor.siren)},
            )
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Invoice file (Factur-X PDF, CII or UBL XML)"))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    budget = forms.ModelChoiceField(
        label=_("Budget line"), queryset=Budget.objects.none(), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = Budget.objects.for_organisation(organisation)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class KeyedInvoiceForm(forms.Form):
    """A PDF invoice keyed by staff: the totals are typed and checked (net + VAT = gross)."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    number = forms.CharField(label=_("Invoice number"), max_length=60)
    issue_date = forms.DateField(label=_("Invoice date"), widget=DateInput())
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    stated_due_on = forms.DateField(
        label=_("Due date on the invoice"), widget=DateInput(), required=False
    )
    net_cents = EuroField(label=_("Total excluding VAT (€)"), max_digits=INVOICE_DIGITS)
    vat_cents = EuroField(label=_("VAT (€)"), max_digits=INVOICE_DIGITS)
    gross_cents = EuroField(label=_("Total including VAT (€)"), max_digits=INVOICE_DIGITS)
    order_reference = forms.CharField(
        label=_("Work order or order reference"),
        max_length=60,
        required=False,
        help_text=_("The request's number (DI-…) or the work order's (BC-…)."),
    )
    budget = forms.ModelChoiceField(
        label=_("Budget line"), queryset=Budget.objects.none(), required=False
    )
    file = forms.FileField(label=_("The PDF received"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_organisation(organisation)
        self.fields["budget"].queryset = Budget.objects.for_organisation(organisation)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("The file is larger than 10 MB."))
            if upload.read(5) != b"%PDF-":
                raise forms.ValidationError(_("The file is not a PDF."))
            upload.seek(0)
        return upload


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting (told to the supplier)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DelegationForm(forms.Form):
    delegator = forms.ModelChoiceField(
        label=_("Absent approver"), queryset=get_user_model().objects.none()
    )
    delegate = forms.ModelChoiceField(label=_("Delegate"), queryset=get_user_model().objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (included)"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, organisation, user, is_director, **kwargs):
        super().__init__(*args, **kwargs)
        approvers = (
            get_user_model()
            .objects.filter(
                pk__in=Membership.objects.filter(
                    organisation=organisation, is_active=True, role__in=Level.values
                ).values("user")
            )
            .order_by("last_name", "first_name", "username")
        )
        self.fields["delegate"].queryset = approvers
        self.fields["delegator"].queryset = (
            approvers if is_director else approvers.filter(pk=user.pk)
        )
        self.fields["delegator"].initial = user.pk
        for name in ("delegator", "delegate"):
            self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The delegation must end on or after its first day."))
        if data.get("delegate") and data.get("delegate") == data.get("delegator"):
            self.add_error("delegate", _("Choose someone else as delegate."))
        return data


class PaymentRunForm(forms.Form):
    due_by = forms.DateField(label=_("Pay the invoices due by"), widget=DateInput())
    execution_date = forms.DateField(
        label=_("Execution date at the bank"),
        widget=DateInput(),
        help_text=_(
            "By default the next TARGET2 business day: banks execute no transfer on weekends, "
            "1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["due_by"].initial = today + dt.timedelta(days=7)
        self.fields["execution_date"].initial = rules.next_target2_business_day(today)

    def clean_execution_date(self):
        value = self.cleaned_data["execution_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The execution date cannot be in the past."))
        return value


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (camt.053 or camt.054)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES * 5:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class SettingsForm(forms.ModelForm):
    # Typed with spaces or not, stored compact, shown in groups of four.
    debtor_iban = IbanField(
        label=PayablesSettings._meta.get_field("debtor_iban").verbose_name, required=False
    )
    technician_limit_cents = EuroField(label=_("Technicians approve up to (€)"))
    manager_limit_cents = EuroField(label=_("Managers approve up to (€)"))

    class Meta:
        model = PayablesSettings
        fields = [
            "regime",
            "deadline_days",
            "technician_limit_cents",
            "manager_limit_cents",
            "ecb_rate_bp",
            "debtor_name",
            "debtor_iban",
            "debtor_bic",
        ]
        widgets = {"regime": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime"].choices = Regime.choices  # no blank « --------- » radio
        for name in ("technician_limit_cents", "manager_limit_cents"):
            cents = getattr(self.instance, name)
            if cents is not None and not self.is_bound:
                # « 5 000,00 »: the French grouping, read back by the field
                grouped = f"{cents / 100:,.2f}"
                self.initial[name] = grouped.replace(",", " ").replace(".", ",")

    def clean_ecb_rate_bp(self):
        rate = self.cleaned_data.get("ecb_rate_bp")
        if rate is not None and not 0 <= rate <= MAX_ECB_RATE_BP:
            raise forms.ValidationError(
                _("The ECB rate is in basis points (215 = 2.15 %%): between 0 and %(max)s."),
                params={"max": f"{MAX_ECB_RATE_BP:,}".replace(",", " ")},
            )
        return rate

    def clean(self):
        data = super().clean()
        low, high = data.get("technician_limit_cents"), data.get("manager_limit_cents")
        if low is not None and high is not None and high < low:
            self.add_error(
                "manager_limit_cents", _("The managers' limit must be at least the technicians'.")
            )
        self._check_deadline(data.get("regime"), data.get("deadline_days"))
        return data

    def _check_deadline(self, regime, days) -> None:
        """At least 1 day; at most 30 days for a public buyer (Code de la commande publique,
        R2192-10) and 60 for a company (Code de commerce, L441-10) — DOMAIN.md §3b."""
        if days is None:
            return
        if days < 1:
            self.add_error("deadline_days", _("The payment deadline is at least 1 day."))
        elif regime == Regime.PUBLIC and days > 30:
            self.add_error(
                "deadline_days",
                _("A public buyer (OPH) must pay within 30 days at most."),
            )
        elif days > 60:
            self.add_error("deadline_days", _("The law allows at most 60 days."))


class BudgetForm(forms.ModelForm):
    """A budget line of a year; the amount typed in euros ("1 234,56"), stored in cents."""

    amount_cents = EuroField(label=_("Amount (€)"), max_digits=INVOICE_DIGITS)

    class Meta:
        model = Budget
        fields = ["code", "label", "year", "amount_cents"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        cents = self.instance.amount_cents
        if cents is not None and not self.is_bound:
            self.initial["amount_cents"] = f"{cents / 100:.2f}".replace(".", ",")
        if self.instance.pk is None and not self.is_bound:
            self.initial["year"] = timezone.localdate().year

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code:
            raise forms.ValidationError(_("Give the line's code, e.g. 615-ENT."))
        return code

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year

    def clean_amount_cents(self):
        cents = self.cleaned_data["amount_cents"]
        if cents is None or cents <= 0:
            raise forms.ValidationError(_("The amount must be positive."))
        return cents

    def validate_unique(self):
        """The code is unique per organisation and year (the form has no organisation
        field, so the model's constraint is checked here, with a message on the code)."""
        code, year = self.cleaned_data.get("code"), self.cleaned_data.get("year")
        if code and year:
            taken = Budget.objects.filter(organisation=self.organisation, code=code, year=year)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "code",
                    _("Line %(code)s already exists for %(year)s.") % {"code": code, "year": year},
                )
