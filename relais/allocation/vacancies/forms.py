"""Forms of the vacancy pages: list filters, a vacancy's dates, its moves, the proposal."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.search import compact, filter_terms
from relais.housing.forms import EuroField, MoneyFormMixin
from relais.housing.models import Household, Lease, reference_validator

from ..models import FewCandidatesReason, Vacancy, VacancyStatus
from .candidates import validate_proposal
from .selectors import draft_sessions, dwelling_by_reference
from .services import check_dates


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VacancyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Dwelling reference, address or residence"), method="search"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VacancyStatus.choices, empty_label=_("All")
    )
    commune = django_filters.CharFilter(
        label=_("Commune (name or INSEE code)"), method="filter_commune"
    )

    def search(self, queryset, name, value):
        """The dwelling's folded search column (``relais.core.search``)."""
        return filter_terms(queryset, value, field="dwelling__search")

    def filter_commune(self, queryset, name, value):
        """By INSEE code, or by name as the pickers search it ("joue les tours")."""
        folded = compact(value)
        by_name = Q(dwelling__building__commune__search_name__startswith=folded)
        return queryset.filter(
            Q(dwelling__building__commune__code=value.strip()) | (by_name if folded else Q())
        )


class VacancyCreateForm(forms.Form):
    dwelling = forms.CharField(label=_("Dwelling reference"), max_length=30)
    notice_received_on = forms.DateField(label=_("Notice received on"), widget=_date_input())
    vacated_on = forms.DateField(
        label=_("Vacated on"), required=False, widget=_date_input(), help_text=_("If known.")
    )
    charges = EuroField(label=_("Monthly charges provision (€)"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_dwelling(self):
        reference = self.cleaned_data["dwelling"]
        dwelling = dwelling_by_reference(self.organisation, reference)
        if dwelling is None:
            raise ValidationError(
                _("No dwelling has the reference %(ref)s."), params={"ref": reference}
            )
        return dwelling

    def clean(self):
        data = super().clean()
        try:
            check_dates(data)
        except ValidationError as error:
            self.add_error(None, error)
        return data


class VacancyEditForm(MoneyFormMixin, forms.ModelForm):
    money_fields = ("charges",)
    charges = EuroField(label=_("Monthly charges provision (€)"))

    class Meta:
        model = Vacancy
        fields = [
            "notice_received_on",
            "vacated_on",
            "contractor",
            "refurbishment_planned_start",
            "refurbishment_planned_end",
            "refurbishment_actual_start",
            "refurbishment_actual_end",
        ]
        widgets = {
            name: _date_input() for name in fields if name.endswith(("_on", "_start", "_end"))
        }

    def clean(self):
        data = super().clean()
        try:
            check_dates(data)
        except ValidationError as error:
            self.add_error(None, error)
        return data


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=VacancyStatus.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("On"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ProposalForm(forms.Form):
    """The officer's pick among the shown candidates, with a rank each, for a draft session.

    The candidates are checkboxes named ``candidates`` and ranks ``rank_<application id>``;
    ``cleaned_data["application_ids"]`` is the pick in rank order (ties keep the search order).
    """

    candidates = forms.TypedMultipleChoiceField(
        label=_("Candidates"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    few_candidates_reason = forms.ChoiceField(
        label=_("Exception to the three candidates rule"),
        choices=[("", "—"), *FewCandidatesReason.choices],
        required=False,
    )
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)

    def __init__(self, *args, organisation, application_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.application_ids = list(application_ids)
        self.fields["candidates"].choices = [(pk, pk) for pk in self.application_ids]
        self.fields["session"].queryset = draft_sessions(organisation)
        self.fields["session"].label_from_instance = lambda session: (
            f"{session.commission.name} – "
            f"{timezone.localtime(session.opens_at):%d/%m/%Y %H:%M} "
            f"({session.get_kind_display()})"
        )
        for pk in self.application_ids:
            self.fields[f"rank_{pk}"] = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        data = super().clean()
        chosen = data.get("candidates") or []
        search_order = {pk: index for index, pk in enumerate(self.application_ids)}
        ordered = sorted(
            chosen,
            key=lambda pk: (data.get(f"rank_{pk}") or len(search_order) + 1, search_order[pk]),
        )
        try:
            data["few_candidates_reason"] = validate_proposal(
                ordered, data.get("few_candidates_reason", "")
            )
        except ValidationError as error:
            self.add_error(None, error)
        data["application_ids"] = ordered
        return data


class LeaseSignForm(forms.Form):
    """The lease signed on an accepted offer: its terms, and the household (new, or an
    existing one when the applicant is already a tenant). Money in euros, cleaned to cents."""

    reference = forms.CharField(
        label=_("Lease reference"), max_length=30, validators=[reference_validator]
    )
    start_date = forms.DateField(label=_("Start date"), widget=_date_input())
    rent = EuroField(label=_("Monthly rent (€)"))
    charges = EuroField(label=_("Monthly charges provision (€)"))
    household_reference = forms.CharField(
        label=_("Reference of the new household"),
        max_length=30,
        required=False,
        validators=[reference_validator],
    )
    existing_household = forms.CharField(
        label=_("Or the reference of an existing household"),
        max_length=30,
        required=False,
        help_text=_(
            "When the applicant is already your tenant: the household is linked and its "
            "current lease ends the day before (a transfer)."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        if Lease.objects.for_organisation(self.organisation).filter(reference=reference).exists():
            raise ValidationError(_("Another lease has this reference."))
        return reference

    def clean_household_reference(self):
        reference = self.cleaned_data["household_reference"]
        households = Household.objects.for_organisation(self.organisation)
        if reference and households.filter(reference=reference).exists():
            raise ValidationError(
                _("A household has this reference: give it below to link it, or another one.")
            )
        return reference

    def clean_existing_household(self):
        reference = self.cleaned_data["existing_household"].strip()
        if not reference:
            return None
        household = Household.objects.for_organisation(self.organisation)
        household = household.filter(reference=reference).first()
        if household is None:
            raise ValidationError(
                _("No household has the reference %(ref)s."), params={"ref": reference}
            )
        return household

    def clean(self):
        data = super().clean()
        new, existing = data.get("household_reference"), data.get("existing_household")
        if not new and not existing and "existing_household" not in self.errors:
            self.add_error(
                "household_reference", _("Give the new household's reference, or an existing one.")
            )
        if new and existing:
            self.add_error("existing_household", _("Either a new household or an existing one."))
        return data


class OccupantForm(forms.Form):
    """A person of the application's composition besides the applicant."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=_date_input())

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return born


def occupant_formset(application, data=None):
    """One form per person of the application besides the applicant (required for a new
    household), the co-applicant's birth date and the family name filled in."""
    others = max(application.persons - 1, 0)
    initial = [{"last_name": application.applicant_last_name} for _ in range(others)]
    if others and application.co_applicant_birth_date:
        initial[0]["birth_date"] = application.co_applicant_birth_date
    formset_class = forms.formset_factory(
        OccupantForm, extra=0, min_num=others, max_num=others, validate_min=True, validate_max=True
    )
    return formset_class(data, initial=initial, prefix="occupant")
