"""Reservation forms: an agreement, an override, the holder's designations, the agenda."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.housing.models import Commune, Departement, Typology

from ..models import (
    MAX_DESIGNATIONS,
    TYPOLOGY_BITS,
    ReservationAgreement,
    ReservationHolder,
    Session,
    SessionStatus,
)


class AgreementForm(forms.ModelForm):
    commune_codes = forms.CharField(
        label=_("Communes (INSEE codes)"),
        required=False,
        help_text=_("Separated by commas or spaces; empty: every commune."),
    )
    typologies = forms.MultipleChoiceField(
        label=_("Typologies"),
        choices=Typology.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every typology."),
    )

    class Meta:
        model = ReservationAgreement
        fields = [
            "holder",
            "reference",
            "share_percent",
            "departement",
            "starts_on",
            "ends_on",
            "designation_days",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = ReservationHolder.objects.select_related("organisation")
        self.fields["departement"].queryset = Departement.objects.order_by("code")
        if self.instance.pk:
            self.initial["commune_codes"] = ", ".join(
                self.instance.communes.values_list("code", flat=True)
            )
            self.initial["typologies"] = [
                code for code, bit in TYPOLOGY_BITS.items() if self.instance.typology_mask & bit
            ]

    def clean_commune_codes(self) -> list:
        codes = [c for c in self.cleaned_data["commune_codes"].replace(",", " ").split() if c]
        found = Commune.objects.in_bulk(codes)
        unknown = [c for c in codes if c not in found]
        if unknown:
            message = _("Unknown INSEE codes: %(codes)s.")
            raise ValidationError(message % {"codes": ", ".join(unknown)})
        return [found[c] for c in codes]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data

    def save(self, commit=False):
        agreement = super().save(commit=False)
        agreement.typology_mask = sum(TYPOLOGY_BITS[c] for c in self.cleaned_data["typologies"])
        return agreement


class OverrideForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("Flow"),
        queryset=ReservationAgreement.objects.none(),
        required=False,
        empty_label=_("Landlord's own flow"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = ReservationAgreement.objects.for_organisation(
            organisation
        ).select_related("holder__organisation")


class DesignationForm(forms.Form):
    """One registration number per free slot, each with the DALO decision date if any."""

    def __init__(self, *args, slots: int, dalo: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        for index in range(1, slots + 1):
            self.fields[f"number_{index}"] = forms.CharField(
                label=_("Registration number %(n)s") % {"n": index},
                max_length=40,
                required=index == 1,
            )
            if dalo:
                self.fields[f"dalo_{index}"] = forms.DateField(
                    label=_("DALO decision date %(n)s") % {"n": index},
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for index in range(1, self.slots + 1):
            decided = data.get(f"dalo_{index}")
            if decided and decided > today:
                self.add_error(
                    f"dalo_{index}",
                    _("%(field)s: the decision cannot be in the future (today is %(today)s).")
                    % {
                        "field": self.fields[f"dalo_{index}"].label,
                        "today": today.strftime("%d/%m/%Y"),
                    },
                )
        return data

    def wanted(self) -> list[tuple[str, object]]:
        data = self.cleaned_data
        return [
            (data[f"number_{i}"].strip(), data.get(f"dalo_{i}"))
            for i in range(1, self.slots + 1)
            if data.get(f"number_{i}", "").strip()
        ]


class AgendaForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=Session.objects.none())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (
            Session.objects.for_organisation(organisation)
            .filter(status=SessionStatus.DRAFT)
            .select_related("commission")
            .order_by("opens_at")
        )
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.commission.name} – {s.opens_at:%d/%m/%Y}"
        )


MAX = MAX_DESIGNATIONS
