"""One spreadsheet cell → one Python value.

A cell is text when it comes from a CSV file, or a typed value (int, float, datetime, bool)
when it comes from an .xlsx workbook; every parser accepts both. Parsers receive a non-empty
cell (empty cells are handled by the column: default value or "required" error) and raise
:class:`CellError` with a message that quotes the bad value.
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from relais.core.phones import parse_phone
from relais.formats import numbers
from relais.formats.numbers import NumberError, number_text

# Exported text that a spreadsheet would read as a formula gets a leading apostrophe
# (CSV injection); the apostrophe is dropped again on import, so the round trip is exact.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
REFERENCE_MAX_LENGTH = 30
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MIN_YEAR = 1900


class CellError(ValueError):
    """A cell's value is not acceptable; ``message`` is translated and quotes the value."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def shown(value, limit: int = 40) -> str:
    """The value as quoted in an error message (long values cut)."""
    try:
        text = as_text(value)
    except CellError:
        text = str(value)
    return numbers.cut(text, limit)


def as_text(value) -> str:
    """The cell as trimmed text, as the spreadsheet shows it: 12.0 → "12", 0.1 + 0.2 → "0.3",
    a date → "17/03/2020", None → "".

    Raises :class:`CellError` for a value that has no exact text: a time of day, a duration,
    a date with a time, a number only shown in scientific notation.
    """
    if value is None:
        return ""
    if type(value) is str:
        return _unprefixed(value.strip())
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        try:
            return number_text(value)
        except NumberError as error:
            raise CellError(error.message) from None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise CellError(
                _("“%(value)s” is a date with a time: type the date alone.")
                % {"value": value.strftime("%d/%m/%Y %H:%M")}
            )
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time | dt.timedelta):
        raise CellError(
            _("“%(value)s” is a time or a duration, not a value this column takes.")
            % {"value": str(value)}
        )
    return _unprefixed(str(value).strip())


def _unprefixed(text: str) -> str:
    if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def is_empty(value) -> bool:
    return value is None or (value.isspace() or not value if type(value) is str else False)


def fold(text: str) -> str:
    """Lower case without accents, inner spaces collapsed: for tolerant matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())


def text(max_length: int):
    def parse(value) -> str:
        result = as_text(value)
        if len(result) > max_length:
            raise CellError(
                _("“%(value)s” is too long (%(max)s characters at most).")
                % {"value": shown(result), "max": max_length}
            )
        return result

    return parse


def reference(value) -> str:
    result = as_text(value)
    if len(result) > REFERENCE_MAX_LENGTH or not REFERENCE_RE.match(result):
        raise CellError(
            _(
                "“%(value)s” is not a valid reference (letters, digits and . _ / - only, "
                "%(max)s characters at most)."
            )
            % {"value": shown(result), "max": REFERENCE_MAX_LENGTH}
        )
    return result


TRUE_WORDS = frozenset({"oui", "vrai", "1", "yes", "true"})
FALSE_WORDS = frozenset({"non", "faux", "0", "no", "false"})


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = as_text(value).lower()
    if word not in TRUE_WORDS and word not in FALSE_WORDS:
        word = fold(word)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("“%(value)s” is not yes or no (oui/non, vrai/faux, 1/0).") % {"value": shown(value)}
    )


def integer(minimum: int, maximum: int):
    def parse(value) -> int:
        raw = as_text(value)
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", raw):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(raw)})
        result = int(raw)
        if not minimum <= result <= maximum:
            raise CellError(
                _("%(value)s is out of range (%(min)s to %(max)s).")
                % {"value": result, "min": minimum, "max": maximum}
            )
        return result

    return parse


def _number(parse, value):
    """``parse`` (a ``relais.formats.numbers`` reader) of the cell: text as the spreadsheet
    shows it (``as_text``), typed numbers as they are; its refusal as a :class:`CellError`."""
    if not isinstance(value, bool | int | float | Decimal):
        value = as_text(value)
    try:
        return parse(value)
    except NumberError as error:
        raise CellError(error.message) from None


def decimal(*, places: int, max_digits: int, minimum: Decimal):
    def parse(value) -> Decimal:
        result = _number(numbers.french_decimal, value)
        if result != round(result, places):
            raise CellError(
                _("“%(value)s” has more than %(places)s decimals.")
                % {"value": shown(value), "places": places}
            )
        if result >= 10 ** (max_digits - places) or result < minimum:
            raise CellError(
                _("%(value)s is out of range (%(min)s to %(max)s).")
                % {"value": shown(value), "min": minimum, "max": 10 ** (max_digits - places) - 1}
            )
        return round(result, places)

    return parse


def money(value) -> int:
    """Euros → integer cents (``relais.formats.numbers.money``): "1 234,56", "450 €" and
    spreadsheet numbers; never rounded (a third decimal is an error)."""
    return _number(numbers.money, value)


def date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        as_text(value)  # refuses a date with a time of day
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        result, text = None, as_text(value)
        for date_format in DATE_FORMATS:
            try:
                result = dt.datetime.strptime(text, date_format).date()
                break
            except ValueError:
                continue
    if result is None or result.year < MIN_YEAR:
        raise CellError(
            _("“%(value)s” is not a date (dd/mm/yyyy or yyyy-mm-dd).") % {"value": shown(value)}
        )
    return result


def choice(words: dict[str, str], message: str):
    """A value among ``words`` (folded spellings → stored value); ``message`` has %(value)s."""
    folded = {fold(word): stored for word, stored in words.items()}

    def parse(value) -> str:
        try:
            return folded[fold(as_text(value))]
        except KeyError:
            raise CellError(message % {"value": shown(value)}) from None

    return parse


def _leading_zero(raw: str, length: int) -> str:
    """Spreadsheets drop the leading zero of codes such as 01000: put it back."""
    return raw.zfill(length) if raw.isdigit() and len(raw) == length - 1 else raw


def postcode(value) -> str:
    result = _leading_zero(as_text(value), 5)
    if not re.fullmatch(r"[0-9]{5}", result):
        raise CellError(_("“%(value)s” is not a postcode (5 digits).") % {"value": shown(value)})
    return result


def commune_code(value) -> str:
    result = _leading_zero(as_text(value), 5).upper()
    if not re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", result):
        raise CellError(
            _("“%(value)s” is not an INSEE commune code (5 characters).") % {"value": shown(value)}
        )
    return result


def phone(value) -> str:
    """A phone number → E.164 text, as the database stores it. National numbers are read with
    every French numbering region in mind (``relais.core.phones``): « 0692 12 34 56 » is
    +262 692 12 34 56 (La Réunion), « 0596 70 00 00 » +596 596 70 00 00 (Martinique)."""
    raw = as_text(value)
    if raw.isdigit() and len(raw) == 9 and raw[0] != "0":
        raw = f"0{raw}"  # 247000000 from a spreadsheet number cell
    number = parse_phone(raw)
    if number is None:
        raise CellError(_("“%(value)s” is not a valid phone number.") % {"value": shown(value)})
    return number.as_e164


def email(value) -> str:
    result = as_text(value)
    try:
        if len(result) > 254:
            raise ValidationError("too long")
        validate_email(result)
    except ValidationError:
        raise CellError(
            _("“%(value)s” is not a valid e-mail address.") % {"value": shown(value)}
        ) from None
    return result
