"""French writing helpers shared by pages and documents (the format modules live in ``fr/``
and ``en/``, read by Django through ``FORMAT_MODULE_PATH``).

- ``long_date(value, "DATE_FORMAT")``: a date written in words, with the French ordinal
  « 1er » on the first of the month (« 1er décembre 2026 », « mardi 1er décembre 2026 »;
  Imprimerie nationale, *Lexique des règles typographiques*, « Dates »).
- ``quantity(value)``: a whole number of units or days with its thousands grouped: « 21 500 »
  in French (a narrow no-break space, as money), « 21,500 » in English (Babel, CLDR).
- ``of_name(text)``: « de mai 2026 » / « d’avril 2026 » / « d’Action Logement Services »
  (elision before a vowel or a mute h), « of … » in English.
"""

import datetime as dt
import re
import unicodedata

from babel.numbers import format_decimal
from django.utils import dateformat, formats, timezone, translation

_DAY_NUMBER = re.compile(r"(?<!\\)j")
# Words whose h is aspirated: no elision (« de Hauts-de-Seine », « de Hollande »).
_ASPIRATED_H = ("haut", "hameau", "hall", "hangar", "hasard", "hollande", "hongrie", "héros")


def _is_french() -> bool:
    return (translation.get_language() or "").startswith("fr")


def long_date(value, format_name: str = "DATE_FORMAT") -> str:
    """``value`` (date or datetime, aware datetimes shown in Europe/Paris) in ``format_name``
    (a format setting name such as ``DATE_FORMAT`` or a Django format string such as
    ``"l j F Y"``), with « 1er » for the first day of a month in French. "" for None."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    fmt = formats.get_format(format_name) if format_name.endswith("FORMAT") else format_name
    if _is_french() and value.day == 1:
        fmt = _DAY_NUMBER.sub(r"j\\e\\r", fmt)
    return dateformat.format(value, fmt)


def elides(word: str) -> bool:
    """True when French elides « de » before ``word``: a vowel, a mute h, or a y followed
    by a consonant (« d’Yves »)."""
    text = unicodedata.normalize("NFD", word.strip()).lower()
    letters = "".join(c for c in text if not unicodedata.combining(c))
    if not letters:
        return False
    first = letters[0]
    if first in "aeiouœæ":
        return True
    if first == "h":
        return not letters.startswith(_ASPIRATED_H)
    if first == "y":
        return len(letters) > 1 and letters[1] not in "aeiou"
    return False


def of_name(text, english: str = "of") -> str:
    """« de <text> » or « d’<text> » in French, « <english> <text> » otherwise (to put before
    a month, a person or an organisation: « Loyer d’avril 2026 », « from Tours Habitat »)."""
    text = str(text)
    if not _is_french():
        return f"{english} {text}"
    return f"d’{text}" if elides(text) else f"de {text}"


def quantity(value) -> str:
    """A whole quantity (units, days) grouped by thousands in the current language (Babel):
    21500 → « 21 500 » in French, the group a narrow no-break space (U+202F) as in money
    (``relais/formats/fr/formats.py``); "" for None, other text as it is."""
    if value in (None, ""):
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    if _is_french():
        return format_decimal(number, locale="fr_FR").replace("\u00a0", "\u202f")
    return format_decimal(number, locale="en")
