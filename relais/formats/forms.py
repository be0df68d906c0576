"""Form fields for numbers and amounts typed the French way, shared by every app.

- ``FrenchDecimalField``: « 1 234,56 », « 92,5 », « 1 234,56 € » → ``Decimal``.
- ``IbanField``: an IBAN typed with or without spaces, validated and cleaned to its compact
  form; shown back in groups of four (« FR76 3000 6000 … »).
- ``EuroField``: the same, in euros, cleaned to integer cents (« 1 234,56 » → 123456); a bad
  amount is refused with a message naming the field (« Total TTC (€) : « 12,345 » a plus de
  deux décimales (centimes). »).

Both read text by the imports' rule (``relais.formats.numbers.french_decimal``: Babel's
strict ``fr_FR`` parsing, groups by a space, a no-break or a narrow no-break space, a lone
« 48.25 » read as a decimal point, « 18.000 » refused as ambiguous), so a number typed in a
form and the same number in an imported spreadsheet read alike.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.formats.banking import iban_compact, iban_display
from relais.formats.numbers import NumberError, french_decimal


class FrenchDecimalField(forms.DecimalField):
    """A number typed the French way (« 1 234,56 », « 92,5 ») → Decimal, in a text input."""

    def __init__(self, **kwargs):
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            # « 1 234,56 € », « 1234,56 », a pasted narrow no-break space: the imports' rule,
            # which refuses « 18.000 » (18 or 18,000?) instead of guessing.
            try:
                value = french_decimal(value)
            except NumberError as exc:
                raise forms.ValidationError(exc.message, code="invalid") from None
        return super().to_python(value)


class IbanField(forms.CharField):
    """An IBAN: typed with spaces or not, cleaned compact, shown in groups of four."""

    default_error_messages = {"invalid": _("This IBAN is not valid (check its key).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 42)  # 34 characters and their group spaces
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return iban_display(value) if isinstance(value, str) else value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return iban_compact(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class EuroField(FrenchDecimalField):
    """Euros with a decimal comma (« 1 234,56 », « 1 234,56 € »), cleaned to integer cents.

    At most ``max_digits`` digits (9 by default: 9 999 999,99 €), two of them cents; not
    negative unless ``min_value`` says otherwise. Every refusal but "required" names the
    field's label and quotes what was typed.
    """

    # Messages of the validators, by code, quoting what was typed.
    messages = {
        "max_decimal_places": _("%(field)s: “%(value)s” has more than two decimals (cents)."),
        "max_digits": _("%(field)s: “%(value)s” is too large an amount."),
        "max_whole_digits": _("%(field)s: “%(value)s” is too large an amount."),
        "min_value": _("%(field)s: “%(value)s” is below %(limit_value)s."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_digits", 9)
        super().__init__(decimal_places=2, **kwargs)

    def clean(self, value):
        try:
            euros = super().clean(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                [self._named(item, value) for item in error.error_list]
            ) from None
        return None if euros is None else int(euros * 100)

    def _named(self, error: forms.ValidationError, typed) -> forms.ValidationError:
        if error.code == "required" or not self.label:
            return error
        field, typed = str(self.label), str(typed).strip()
        if error.code in self.messages:
            params = {**(error.params or {}), "field": field, "value": typed}
            return forms.ValidationError(self.messages[error.code], code=error.code, params=params)
        text = error.message % error.params if error.params else error.message
        return forms.ValidationError(
            _("%(field)s: %(error)s"), code=error.code, params={"field": field, "error": text}
        )
