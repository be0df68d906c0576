"""Forms of the supplies pages. Quantities are whole units; prices are typed in euros and
handed to services in cents."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import Agency
from relais.core.roles import Role
from relais.formats import quantity

from .defaults import SITE_ROLES
from .models import Item, ItemKind, Location

MOVE_KINDS = (
    ("receipt", _("Receipt")),
    ("issue", _("Issue to staff")),
    ("transfer", _("Transfer to another location")),
)


def _units(label, required=False):
    return forms.IntegerField(label=label, min_value=0, max_value=10_000_000, required=required)


def euros_to_cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class MovementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Movement"), choices=MOVE_KINDS)
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = forms.IntegerField(label=_("Units"), min_value=1, max_value=10_000_000)
    destination = forms.ModelChoiceField(
        label=_("To (transfers)"), queryset=Location.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, location, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = location.organisation
        self.fields["item"].queryset = Item.objects.for_organisation(organisation)
        self.fields["destination"].queryset = (
            Location.objects.for_organisation(organisation)
            .filter(is_active=True)
            .exclude(pk=location.pk)
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "transfer" and not data.get("destination"):
            self.add_error("destination", _("Choose the location the units go to."))
        elif data.get("kind") in ("receipt", "issue") and data.get("destination"):
            self.add_error(
                "destination",
                _("Only a transfer goes to another location: empty this field or choose Transfer."),
            )
        return data


class CountForm(forms.Form):
    """One field per item: the units on the shelf (blank: not counted)."""

    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, items, recorded=None, **kwargs):
        """``recorded``: {item id: units in stock now}, shown as each field's help."""
        super().__init__(*args, **kwargs)
        self.items = list(items)
        recorded = recorded or {}
        for item in self.items:
            field = _units(f"{item} ({item.get_unit_display()})")
            field.help_text = _("Recorded stock now: %(units)s") % {
                "units": quantity(recorded.get(item.pk, 0))
            }
            self.fields[f"item_{item.pk}"] = field

    def counted(self) -> dict:
        return {item: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "kind", "agency", "threshold_days", "is_active"]

    def __init__(self, *args, headcount=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        self.fields["agency"].queryset = Agency.objects.for_organisation(organisation)
        headcount = headcount or {}
        for role in SITE_ROLES:
            field = _units(_("%(role)s on site per day") % {"role": Role(role).label})
            field.initial = headcount.get(role, 0)
            self.fields[f"people_{role}"] = field

    def clean_is_active(self):
        """A location still holding stock cannot be switched off: its stock would drop out of
        the totals and the transfer menus (transfer it or count it to zero first)."""
        active = self.cleaned_data.get("is_active")
        if not active and self.instance.pk and self.instance.is_active:
            from relais.supplies.stock.selectors import stock_sums

            held = stock_sums(self.instance.organisation, [self.instance.pk])
            if any(units > 0 for units in held.values()):
                raise forms.ValidationError(
                    _(
                        "This location still holds stock: transfer it elsewhere or count it "
                        "to zero first."
                    ),
                    code="holds_stock",
                )
        return active

    def headcount(self) -> dict[str, int]:
        return {role: self.cleaned_data.get(f"people_{role}") or 0 for role in SITE_ROLES}


class RatesForm(forms.Form):
    """Units per person per shift, per item and role on site."""

    def __init__(self, *args, items, rates, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.grid = []
        for item in self.items:
            row = []
            for role in SITE_ROLES:
                name = f"rate_{item.pk}_{role}"
                self.fields[name] = forms.DecimalField(
                    label=f"{item} – {Role(role).label}",
                    min_value=0,
                    max_digits=6,
                    decimal_places=2,
                    required=False,
                    initial=rates.get(item.pk, {}).get(role, 0),
                )
                row.append(self[name])
            self.grid.append((item, row))

    def rates(self) -> dict:
        return {
            (item, role): self.cleaned_data.get(f"rate_{item.pk}_{role}") or 0
            for item in self.items
            for role in SITE_ROLES
        }


def _price_field():
    return forms.DecimalField(
        label=_("Unit price (€)"), min_value=0, max_digits=9, decimal_places=2, required=False
    )


class PurchaseOrderForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=30)
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    ordered_on = forms.DateField(
        label=_("Ordered on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ordered_on"].initial = timezone.localdate()
        for kind, label in ItemKind.choices:
            self.fields[f"qty_{kind}"] = _units(_("%(item)s: units") % {"item": label})
            self.fields[f"price_{kind}"] = _price_field()

    def clean(self):
        data = super().clean()
        self.lines = {}
        for kind, label in ItemKind.choices:
            qty, price = data.get(f"qty_{kind}"), data.get(f"price_{kind}")
            if qty and price is None:
                self.add_error(
                    f"price_{kind}", _("Give the unit price of %(item)s.") % {"item": label}
                )
            elif qty:
                self.lines[kind] = (qty, euros_to_cents(price))
        if not self.errors and not self.lines:
            raise forms.ValidationError(_("Order at least one unit of one item."))
        return data


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    deadline = forms.DateField(
        label=_("Needs due by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ItemKind.choices:
            field = _price_field()
            field.label = _("%(item)s: unit price (€)") % {"item": label}
            field.help_text = _("Leave blank if the order does not include it.")
            self.fields[f"price_{kind}"] = field

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline

    def clean(self):
        data = super().clean()
        self.prices = {
            kind: euros_to_cents(data[f"price_{kind}"])
            for kind, _label in ItemKind.choices
            if data.get(f"price_{kind}") is not None
        }
        if not self.errors and not self.prices:
            raise forms.ValidationError(_("Give a unit price for at least one item."))
        return data


class LineQuantitiesForm(forms.Form):
    """One whole-units field per campaign line (needs, or units delivered)."""

    def __init__(self, *args, lines, initial_units=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        initial_units = initial_units or {}
        for line in self.lines:
            field = _units(str(line), required=required)
            field.initial = initial_units.get(line.pk)
            self.fields[f"line_{line.pk}"] = field

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0 for line in self.lines}


class ReceiveForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Receive into"), queryset=Location.objects.none())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.for_organisation(organisation).filter(
            is_active=True
        )
