"""Application forms. Money in euros (stored in cents); wishes by INSEE or SIREN codes."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.phones import PhoneField, national, parse_phone
from relais.housing.forms import EuroField, FrenchIntegerField, MoneyFormMixin
from relais.housing.io.forms import ImportForm
from relais.housing.models import Channel, Commune, Epci, Typology

from ..models import (
    TYPOLOGY_BITS,
    Application,
    PriorityCriterion,
    ScoringGrid,
    current_income_year,
)
from ..scoring.services import validate_criteria
from .pool import duplicate_message
from .services import Document

MAX_WISHES = 30
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _codes(text: str) -> list[str]:
    """« 37261, 37001 ; 37122 » → ["37261", "37001", "37122"] (order kept, duplicates out)."""
    return list(dict.fromkeys(code.upper() for code in re.split(r"[\s,;]+", text) if code))


class CodesField(forms.CharField):
    """Comma-separated codes of ``model`` rows → the rows, in the order typed."""

    def __init__(self, *, model, pattern: str, **kwargs):
        self.model, self.pattern = model, pattern
        super().__init__(max_length=MAX_WISHES * 11, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(obj.pk if hasattr(obj, "pk") else str(obj) for obj in value)
        return value

    def clean(self, value):
        codes = _codes(super().clean(value) or "")
        malformed = [code for code in codes if not re.fullmatch(self.pattern, code)]
        if malformed:
            raise forms.ValidationError(
                _("Not a valid code: %(codes)s."), params={"codes": ", ".join(malformed)}
            )
        if len(codes) > MAX_WISHES:
            raise forms.ValidationError(_("%(max)s wishes at most."), params={"max": MAX_WISHES})
        found = self.model.objects.in_bulk(codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("Unknown code: %(codes)s."), params={"codes": ", ".join(unknown)}
            )
        return [found[code] for code in codes]


def _checkboxes(choices, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ApplicationForm(MoneyFormMixin, forms.ModelForm):
    money_fields = ("monthly_resources", "current_housing_cost", "max_rent")
    monthly_resources = EuroField(label=_("Monthly resources of the household (€)"))
    current_housing_cost = EuroField(
        label=_("Current monthly housing cost (€)"),
        required=False,
        help_text=_("Rent and charges, net of housing benefit; leave empty if unknown."),
    )
    priority_criteria = _checkboxes(PriorityCriterion.choices, _("Priority criteria"))
    wished_communes = CodesField(
        model=Commune,
        pattern=r"\d{5}|2[AB]\d{3}",
        required=False,
        label=_("Wished communes (INSEE codes)"),
        help_text=_("Separated by commas, most wished first, e.g. « 37261, 37122 »."),
    )
    wished_epcis = CodesField(
        model=Epci,
        pattern=r"\d{9}",
        required=False,
        label=_("Wished EPCIs (SIREN codes)"),
        help_text=_("Separated by commas, e.g. « 243700754 »."),
    )
    typologies = _checkboxes(Typology.choices, _("Wished typologies"))
    max_rent = EuroField(label=_("Maximum rent (€ a month)"), required=False)
    documents_received = _checkboxes(Document.choices, _("Documents received"))
    # Stored as E.164 text; read with every French numbering region in mind (core.phones).
    phone = PhoneField(
        label=_("Phone"), required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )

    class Meta:
        model = Application
        field_classes = {
            "income_n2": FrenchIntegerField,
            "income_n1": FrenchIntegerField,
            "income_last_12_months": FrenchIntegerField,
        }
        fields = [
            "registration_number",
            "first_applied_on",
            "applicant_first_name",
            "applicant_last_name",
            "applicant_birth_date",
            "co_applicant_birth_date",
            "phone",
            "email",
            "postal_address",
            "preferred_channel",
            "persons",
            "dependants",
            "members_under_14",
            "is_couple",
            "has_disabled_member",
            "needs_accessible",
            "urban_renewal_rehousing",
            "income_n2",
            "income_n2_year",
            "income_n1",
            "income_last_12_months",
            "housing_situation",
            "dalo_decided_on",
        ]
        widgets = {
            "first_applied_on": DATE_WIDGET,
            "dalo_decided_on": DATE_WIDGET,
            "applicant_birth_date": DATE_WIDGET,
            "co_applicant_birth_date": DATE_WIDGET,
        }

    SECTIONS = (
        (
            _("Application"),
            (
                "registration_number",
                "first_applied_on",
                "housing_situation",
                "current_housing_cost",
            ),
        ),
        (
            _("Applicant"),
            (
                "applicant_first_name",
                "applicant_last_name",
                "applicant_birth_date",
                "co_applicant_birth_date",
                "phone",
                "email",
                "postal_address",
                "preferred_channel",
            ),
        ),
        (
            _("Household"),
            (
                "persons",
                "dependants",
                "members_under_14",
                "is_couple",
                "has_disabled_member",
                "needs_accessible",
                "priority_criteria",
                "urban_renewal_rehousing",
                "dalo_decided_on",
            ),
        ),
        (
            _("Resources"),
            (
                "income_n2",
                "income_n2_year",
                "income_n1",
                "income_last_12_months",
                "monthly_resources",
            ),
        ),
        (_("Wishes"), ("wished_communes", "wished_epcis", "typologies", "max_rent")),
        (_("Supporting documents"), ("documents_received",)),
    )

    def __init__(self, *args, organisation, wishes=((), ()), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["income_n2_year"].required = False
        self.fields["preferred_channel"].required = False
        self.fields["preferred_channel"].help_text = _(
            "How the applicant is reminded to renew; a letter when left empty."
        )
        self.fields["income_n2_year"].help_text = _(
            "The year of the income on the tax notice (N-2: %(year)s for a decision this year)."
        ) % {"year": current_income_year()}
        self.fields["members_under_14"].required = False  # left empty: none
        self.fields["members_under_14"].help_text = _(
            "Counted in the consumption units of the first-quartile indicator."
        )
        self.fields["co_applicant_birth_date"].help_text = _(
            "Required for a couple (a young couple, combined ages ≤ 55, is category 3)."
        )
        stored_phone = parse_phone(self.instance.phone)
        if stored_phone is not None:
            self.initial["phone"] = national(stored_phone)  # not the stored E.164 text
        if self.instance.pk:
            self.initial.setdefault("wished_communes", list(wishes[0]))
            self._name_wished_communes(list(wishes[0]))
            self.initial.setdefault("wished_epcis", list(wishes[1]))
            self.initial.setdefault("typologies", self.instance.wished_typologies)
            self.initial.setdefault("priority_criteria", self.instance.priority_criteria)
            self.initial.setdefault("documents_received", self.instance.documents_received)

    def _name_wished_communes(self, codes: list) -> None:
        """The stored wishes by name under the codes field: « Now: Tours (37261), … »."""
        if not codes:
            return
        codes = [getattr(code, "pk", code) for code in codes]  # communes or their codes
        names = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
        listed = ", ".join(f"{names.get(code, '?')} ({code})" for code in codes)
        field = self.fields["wished_communes"]
        now = _("Now: %(communes)s.") % {"communes": listed}
        field.help_text = f"{field.help_text} {now}"

    def sections(self):
        """(legend, bound fields) groups, in the order the form shows them."""
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean_phone(self) -> str:
        number = self.cleaned_data["phone"]
        return number.as_e164 if number else ""

    def clean_preferred_channel(self):
        return self.cleaned_data.get("preferred_channel") or Channel.LETTER

    def clean_members_under_14(self) -> int:
        return self.cleaned_data.get("members_under_14") or 0

    def clean_income_n2_year(self):
        """Left empty: the income is taken to be of this year's N-2."""
        return self.cleaned_data.get("income_n2_year") or current_income_year()

    def clean_registration_number(self):
        """The national number is unique across the platform: a second registration is
        refused, naming the landlord that registered it and when (``pool.duplicate_message``)."""
        number = self.cleaned_data["registration_number"].strip()
        duplicate = duplicate_message(number, self.organisation, exclude_pk=self.instance.pk)
        if duplicate:
            raise forms.ValidationError(duplicate)
        return number

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        dates = ("first_applied_on", "applicant_birth_date", "co_applicant_birth_date")
        for name in (*dates, "dalo_decided_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("This date is in the future."))
        if data.get("income_n2_year") and data["income_n2_year"] > today.year - 1:
            self.add_error("income_n2_year", _("A tax year whose income is not declared yet."))
        dalo = PriorityCriterion.DALO in data.get("priority_criteria", [])
        if data.get("dalo_decided_on") and not dalo:
            self.add_error("dalo_decided_on", _("Tick the DALO priority criterion too."))
        persons, dependants = data.get("persons"), data.get("dependants")
        if persons is not None and dependants is not None:
            adults = persons - dependants
            if adults < 1:
                self.add_error("dependants", _("A household counts at least one adult."))
            elif data.get("is_couple") and adults < 2:
                self.add_error("is_couple", _("A couple counts two adults besides dependants."))
        under_14 = data.get("members_under_14")
        if persons is not None and under_14 is not None and under_14 >= persons:
            self.add_error(
                "members_under_14", _("The applicant is 14 or more: fewer than the persons.")
            )
        if data.get("is_couple") and not data.get("co_applicant_birth_date"):
            self.add_error("co_applicant_birth_date", _("Required for a couple."))
        if not data.get("wished_communes") and not data.get("wished_epcis"):
            self.add_error("wished_communes", _("Give at least one wished commune or EPCI."))
        return data

    def _post_clean(self):
        data = self.cleaned_data
        self.instance.priority_criteria = data.get("priority_criteria", [])
        self.instance.documents_received = data.get("documents_received", [])
        self.instance.typology_mask = sum(TYPOLOGY_BITS[t] for t in data.get("typologies", []))
        for name in ("current_housing_cost", "max_rent"):  # may be emptied
            if name in data:
                setattr(self.instance, f"{name}_cents", data[name])
        super()._post_clean()


class RenewalForm(forms.Form):
    """Staff renew an application (the applicant asked, by any channel): on a date up to
    today, today by default."""

    on = forms.DateField(label=_("Renewed on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ApplicationImportForm(ImportForm):
    """The housing import form without its "kind": this page imports applications only."""

    kind = None


class ScoringGridForm(forms.ModelForm):
    """For the admin: a grid whose criteria are checked against the format of
    ``relais.allocation.scoring`` (save it with ``scoring.grid_save``)."""

    class Meta:
        model = ScoringGrid
        fields = ["name", "epci", "valid_from", "valid_until", "criteria"]

    def clean_criteria(self):
        criteria = self.cleaned_data["criteria"]
        validate_criteria(criteria)
        return criteria

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("A grid cannot end before it starts."))
        return data
