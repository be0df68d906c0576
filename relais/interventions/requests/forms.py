"""Forms of requests: the tenant's public form, the staff's phone-call form, triage, and the
triage list's filters. Labels and messages in French through gettext."""

import datetime as dt
import secrets

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from relais.core.phones import PhoneField

from ..categories.selectors import leaf_choices, leaves
from ..models import Category, InterventionRequest, Priority, RequestSource, RequestStatus
from . import throttle
from .identify import find_tenant
from .photos import reencode_all


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``photos.MAX_PHOTOS`` image files, cleaned into re-encoded ``photos.Photo``s."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        uploads = [upload for upload in uploads if upload]
        return reencode_all(uploads) if uploads else []


class CategoryChoiceField(forms.TypedChoiceField):
    """A category of the organisation (grouped by family), cleaned into the ``Category``."""

    def __init__(self, organisation, **kwargs):
        self.organisation = organisation
        super().__init__(choices=[("", "—"), *leaf_choices(organisation)], coerce=int, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        category = leaves(self.organisation).filter(pk=pk).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category


class RequestDetailsForm(forms.Form):
    """What the problem is: shared by the tenant's form and the staff's call form."""

    description = forms.CharField(
        label=gettext_lazy("Describe the problem"),
        max_length=4000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Where in the home, since when, what you have already done."),
    )
    availability = forms.CharField(
        label=gettext_lazy("When can a company come?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: weekdays after 4 p.m., not on Wednesdays."),
    )
    vulnerable_present = forms.BooleanField(
        label=gettext_lazy("Someone in the home is ill or vulnerable"),
        required=False,
        help_text=gettext_lazy(
            "Elderly, disabled, ill or isolating: the company takes precautions before entering."
        ),
    )
    contact_phone = PhoneField(
        label=gettext_lazy("Phone number to reach you"), required=False, region="FR"
    )
    callback_requested = forms.BooleanField(
        label=gettext_lazy("I would like to be called back"), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["category"] = CategoryChoiceField(
            organisation, label=gettext_lazy("What is the problem about?")
        )
        self.order_fields(["category", "description"])


class PublicRequestForm(RequestDetailsForm):
    """The tenant's form, no account: the lease reference and the postcode or a phone on file
    identify them (``identify``), failed attempts are throttled (``throttle``)."""

    lease_reference = forms.CharField(
        label=gettext_lazy("Your lease reference"),
        max_length=30,
        help_text=gettext_lazy("It is printed on your rent notices and receipts."),
    )
    postcode_or_phone = forms.CharField(
        label=gettext_lazy("Postcode of your home, or your phone number"),
        max_length=30,
        help_text=gettext_lazy("The phone number we have on file for your household."),
    )
    photos = PhotosField(
        label=gettext_lazy("Photos (optional)"),
        required=False,
        help_text=gettext_lazy("Up to 5 photos, JPEG, PNG or WebP, 10 MB each."),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.tenant = None
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_urlsafe(24))
        self.order_fields(["lease_reference", "postcode_or_phone", "category", "description"])

    def clean(self):
        data = super().clean()
        reference = data.get("lease_reference", "")
        second = data.get("postcode_or_phone", "")
        if not reference or not second:
            return data
        if throttle.is_blocked(self.request, self.organisation, reference):
            raise forms.ValidationError(
                _(
                    "Too many attempts. Try again in a quarter of an hour, or call us: the "
                    "numbers are on our agencies page."
                ),
                code="throttled",
            )
        self.tenant = find_tenant(
            self.organisation, lease_reference=reference, postcode_or_phone=second
        )
        if self.tenant is None:
            throttle.count_failure(self.request, self.organisation, reference)
            # Never say which of the two was wrong: a reference alone is not confirmed.
            raise forms.ValidationError(
                _(
                    "We found no current lease with this lease reference and this postcode or "
                    "phone number. Check both, or call us."
                ),
                code="not_found",
            )
        return data


class CallForm(RequestDetailsForm):
    """A phone call logged by staff for a household found with the search."""

    reported_at = forms.DateTimeField(
        label=gettext_lazy("Time of the call"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_urlsafe(24))

    def clean_reported_at(self):
        """The call has happened: response times are measured from it (issue 8 §3)."""
        reported_at = self.cleaned_data["reported_at"]
        if reported_at > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("The time of the call cannot be in the future."))
        return reported_at


class TriageForm(forms.Form):
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=Priority.choices)
    note = forms.CharField(
        label=gettext_lazy("Note for staff"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryChoiceField(organisation, label=gettext_lazy("Category"))
        self.order_fields(["category", "priority", "note"])


class CloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why is it closed without works?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# "Toutes" in French: priority, source and category are feminine there.
ALL = pgettext_lazy("filter of requests", "All")


class RequestFilter(django_filters.FilterSet):
    """The triage list's filters; without a status, the requests to triage are shown."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=RequestStatus.choices, empty_label=None
    )
    priority = django_filters.ChoiceFilter(label=gettext_lazy("Priority"), choices=Priority.choices)
    source = django_filters.ChoiceFilter(
        label=gettext_lazy("Source"), choices=RequestSource.choices
    )
    category = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Category"), queryset=Category.objects.none()
    )

    class Meta:
        model = InterventionRequest
        fields = ["status", "priority", "source", "category"]

    def __init__(self, data=None, *args, organisation, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", RequestStatus.NEW)
        super().__init__(data, *args, **kwargs)
        self.filters["category"].queryset = leaves(organisation).order_by("name")
