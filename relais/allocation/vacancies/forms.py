"""Forms of the vacancy pages: list filters, a vacancy's dates, its moves, the proposal."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.housing.forms import EuroField, MoneyFormMixin

from ..models import FewCandidatesReason, Vacancy, VacancyStatus
from .candidates import validate_proposal
from .selectors import draft_sessions, dwelling_by_reference
from .services import check_dates


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VacancyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Dwelling reference"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VacancyStatus.choices, empty_label=_("All")
    )
    commune = django_filters.CharFilter(
        label=_("Commune (name or INSEE code)"), method="filter_commune"
    )

    def search(self, queryset, name, value):
        return queryset.filter(dwelling__reference__icontains=value)

    def filter_commune(self, queryset, name, value):
        return queryset.filter(
            Q(dwelling__building__commune__code=value)
            | Q(dwelling__building__commune__name__icontains=value)
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
