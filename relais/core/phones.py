"""Phone numbers as French people write them, in mainland France and overseas.

The French numbering plan (ARCEP) spans several country codes: a number written the national
way (« 0692 12 34 56 ») belongs to La Réunion (+262), not to mainland France (+33).
libphonenumber knows each region's ranges but reads a national number for one region at a
time, so « 0596 70 00 00 » read as mainland France is a valid-looking +33 5 96… and
« 0692 12 34 56 » is refused. :func:`parse_phone` tries every region of the plan: a fixed or
mobile range of an overseas department wins (those blocks are reserved to it); otherwise the
number is mainland (+33, which also carries the national non-geographic 08 and 09 numbers).
Numbers of the overseas collectivities with their own plan (New Caledonia, French Polynesia,
Wallis and Futuna, Saint-Pierre-et-Miquelon) are written with their country code (+687…).

Used by the imports (``relais.housing.io.cells.phone``) and the forms (:class:`PhoneField`).
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

MAINLAND = "FR"
# Overseas departments and collectivities sharing the 10-digit national format with a 0:
# La Réunion and Mayotte (+262), Guadeloupe, Saint-Barthélemy, Saint-Martin (+590),
# Guyane (+594), Martinique (+596).
OVERSEAS = ("RE", "YT", "GP", "BL", "MF", "GF", "MQ")
FRENCH_REGIONS = (MAINLAND, *OVERSEAS)
FRENCH_COUNTRY_CODES = frozenset(
    phonenumbers.country_code_for_region(region) for region in FRENCH_REGIONS
)
GEOGRAPHIC = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


def _parse(raw: str, region: str) -> PhoneNumber | None:
    try:
        number = PhoneNumber.from_string(raw, region=region)
    except phonenumbers.NumberParseException:
        return None
    return number if number.is_valid() else None


def parse_phone(raw: str) -> PhoneNumber | None:
    """``raw`` (« 06 12 34 56 78 », « 0692 12 34 56 », « +33 2 47… », « 0033 … ») → a valid
    number under its right country code, or None when no region of the plan accepts it."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.startswith("+"):
        return _parse(raw, MAINLAND)
    overseas = {}
    for region in OVERSEAS:
        number = _parse(raw, region)
        if number is not None:
            overseas.setdefault(number.as_e164, number)
    geographic = [n for n in overseas.values() if phonenumbers.number_type(n) in GEOGRAPHIC]
    if len(geographic) == 1:
        return geographic[0]
    mainland = _parse(raw, MAINLAND)
    if mainland is not None:
        return mainland
    return next(iter(overseas.values())) if len(overseas) == 1 else None


def national(number) -> str:
    """« 06 12 34 56 78 », « 0692 12 34 56 » for the French plan; « +44 20 … » otherwise."""
    if number.country_code in FRENCH_COUNTRY_CODES:
        return number.format_as(phonenumbers.PhoneNumberFormat.NATIONAL)
    return number.format_as(phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(PhoneNumberField):
    """A form field reading national numbers with every French region in mind."""

    default_error_messages = {
        "invalid": _("Enter a valid phone number (for example 06 12 34 56 78 or +44 20 …).")
    }

    def to_python(self, value):
        if value in self.empty_values:
            return self.empty_value
        number = parse_phone(str(value))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number
