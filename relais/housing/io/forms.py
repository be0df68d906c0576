from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .formats import FORMATS

EXTENSIONS = (".csv", ".xlsx")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=[(kind, spec.label) for kind, spec in FORMATS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (separated by ; or ,) or Excel .xlsx, 10 MB at most."),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ",".join(EXTENSIONS)}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                _("Send a .csv or .xlsx file (in Excel: File › Save as › CSV UTF-8 or .xlsx).")
            )
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into several files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload
