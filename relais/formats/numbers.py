"""French numbers and amounts read from text, by one rule for forms and imports alike.

- ``french_decimal(value)``: « 1 234,56 », « 1234,56 », « 450 € », « 48.25 » → ``Decimal``.
- ``money(value)``: euros → integer cents (« 1 234,56 » → 123456), never rounded.
- ``number_text(value)``: a float as a spreadsheet shows it (15 significant digits).

Each raises :class:`NumberError`, whose ``message`` is translated and quotes what was typed.
The spreadsheet imports (``relais.housing.io.cells``) and the form fields
(``relais.formats.forms``) both call these, so a number typed in a form and the same number in
an imported file read alike.
"""

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal
from django.utils.translation import gettext as _

NUMBER_LOCALE = "fr_FR"
GROUP = get_group_symbol(NUMBER_LOCALE)  # narrow no-break space (CLDR)
SPACES = (" ", "\u00a0", "\u202f")
FRENCH_NUMBER_RE = re.compile(rf"[+-]?[0-9][0-9{GROUP}]*(,[0-9]+)?")
# Excel shows (and computes with) 15 significant digits: 0.1 + 0.2 is shown 0,3.
SIGNIFICANT_DIGITS = 15
MAX_CENTS = 2_147_483_647  # PositiveIntegerField
QUOTE_LIMIT = 40


class NumberError(ValueError):
    """A text is not an acceptable number; ``message`` is translated and quotes it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cut(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as quoted in an error message: cut to ``limit`` characters with « … »."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def number_text(value: float) -> str:
    """A spreadsheet number as the spreadsheet shows it (15 significant digits)."""
    text = format(value, f".{SIGNIFICANT_DIGITS}g")
    if "e" in text or "n" in text:  # 1e+20, inf, nan
        raise NumberError(
            _("The number %(value)s is too large or too small to be read exactly.")
            % {"value": text}
        )
    return text


def french_decimal(value) -> Decimal:
    """A number as a French person writes it (text) or a spreadsheet stores it (int, float,
    Decimal) → Decimal.

    Text follows Babel's strict number parsing for ``fr_FR``: a decimal comma, groups of three
    digits separated by a space, a no-break or a narrow no-break space (« 1 234,56 »,
    « 1234,56 »), an optional « € ». A dot is not a French separator: it is read as a decimal
    point only where it cannot be anything else (« 48.25 »); « 18.000 » (18 or 18,000?) and
    « 1.234.567 » are refused (Babel would read the first as 18). Spreadsheet numbers are taken
    as shown (15 significant digits). Raises :class:`NumberError`.
    """
    if isinstance(value, bool):
        raise NumberError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(number_text(value))
    typed = str(value).strip()
    text = typed.removesuffix("€").strip()
    for space in SPACES:
        text = text.replace(space, GROUP)
    if "." in text:
        text = _decimal_dot(text, typed)
    try:
        if not FRENCH_NUMBER_RE.fullmatch(text):
            raise NumberFormatError(text)
        return parse_decimal(text, locale=NUMBER_LOCALE, strict=True)
    except NumberFormatError:
        raise NumberError(
            _("“%(value)s” is not a number (for example 1 234,56).") % {"value": cut(typed)}
        ) from None


def _decimal_dot(text: str, typed: str) -> str:
    """« 48.25 » → « 48,25 »: a lone dot that can only be a decimal point is read as one.

    Refused as ambiguous: a dot followed by exactly three digits (« 18.000 »: 18 or 18,000?),
    several dots (« 1.234.567 »), a dot with a comma (« 1.234,56 »).
    """
    whole, _dot, decimals = text.partition(".")
    if "," in text or "." in decimals or len(decimals) == 3:
        raise NumberError(
            _(
                "“%(value)s” is ambiguous: in French the decimal separator is a comma and a dot "
                "is not a thousands separator. Write 18000 or 18 000 for eighteen thousand, "
                "18,5 for eighteen and a half."
            )
            % {"value": cut(typed)}
        )
    return f"{whole},{decimals}"


def money(value) -> int:
    """Euros → integer cents: "1 234,56", "1234,56", "450 €" and spreadsheet numbers; never
    rounded (a third decimal is an error); between 0 and 21 474 836,47 €."""
    amount = french_decimal(value)
    shown = cut(str(value).strip())
    if amount != round(amount, 2):
        raise NumberError(
            _("“%(value)s” has more than %(places)s decimals.") % {"value": shown, "places": 2}
        )
    cents = int(amount * 100)
    if not 0 <= cents <= MAX_CENTS:
        raise NumberError(
            _("“%(value)s” is not an amount in euros (for example 1 234,56).") % {"value": shown}
        )
    return cents
