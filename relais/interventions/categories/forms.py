"""Forms of the category tree and the response targets."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import Category, Priority


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "code", "parent", "default_priority", "crisis_whitelisted", "position"]
        fields += ["is_active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        families = Category.objects.for_organisation(organisation).filter(parent__isnull=True)
        if self.instance.pk:
            families = families.exclude(pk=self.instance.pk)
            self.fields["code"].disabled = True
        self.fields["parent"].queryset = families
        self.fields["parent"].required = False

    def clean_code(self):
        code = self.cleaned_data["code"]
        taken = Category.objects.for_organisation(self.organisation).filter(code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(gettext_lazy("Another category already has this code."))
        return code

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError(
                gettext_lazy("This category has categories of its own: it stays a family.")
            )
        return parent


class TargetsForm(forms.Form):
    """One field per priority: the response target in hours (empty: none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Priority.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                max_value=24 * 365,
                help_text=gettext_lazy("Hours; leave empty for no target."),
            )
