"""Accent-, case- and space-insensitive search: one normalised form for stored text and queries.

Searchable rows keep a ``search`` column: their searchable fields, each folded by
:func:`compact` (lower case, accents and ligatures dropped, everything but letters and digits
removed — "Joué-lès-Tours" → "jouelestours", "Le Brun" → "lebrun"), joined by single spaces.
Phones are stored in the national digits form (:func:`phone_digits`: "+33 6 12 34 56 78" →
"0612345678"). A query becomes terms folded the same way, each of which must be a substring
of the column (``LIKE '%term%'``; a trigram GIN index serves it on PostgreSQL, see
docs/decisions/0018-search-column.md). Pure functions: no database in sight.
"""

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not decompose; the rest of Latin script folds through NFKD.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})
NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# A query made only of digits, spaces, dots, dashes, slashes, brackets and an optional leading
# "+", with at least four digits, is a phone number (or a numeric reference): one term.
PHONE_QUERY = re.compile(r"^[\s(]*\+?[\d\s.\-/()]+$")
MIN_PHONE_DIGITS = 4
MAX_TERMS = 8  # a bound on the query's LIKEs: nobody types more words than that to find a row


@lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """``text`` folded for search: lower case ASCII letters and digits only ("" for None).

    >>> compact("Joué-lès-Tours"), compact("Œuvre d'Élodie")
    ('jouelestours', 'oeuvredelodie')
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    return NOT_ALNUM.sub("", ascii_only)


def phone_digits(phone: str) -> str:
    """A phone number as national digits: "+33 6 12 34 56 78", "0033612345678" and
    "06.12.34.56.78" all give "0612345678"; another country keeps its "00" prefix
    ("+44 20 7946 0000" → "00442079460000"); "" for an empty value. A ``PhoneNumber``
    (phonenumber_field) is read in E.164, whatever its display format."""
    text = (getattr(phone, "as_e164", None) or str(phone or "")).strip()
    digits = re.sub(r"\D", "", text)
    if text.lstrip("( ").startswith("+"):
        digits = "00" + digits
    if digits.startswith("0033"):
        return "0" + digits[4:]
    return digits


def document(*fields: str) -> str:
    """The ``search`` column of a row whose searchable fields are ``fields`` (texts)."""
    return " ".join(part for part in map(compact, fields) if part)


def terms(query: str) -> list[str]:
    """The folded terms of what someone typed, each to be found in the ``search`` column.

    A phone-like query is one term of national digits; otherwise each word is a term.
    Empty when nothing searchable was typed (the caller then filters nothing).
    """
    query = (query or "").strip()
    if PHONE_QUERY.match(query) and sum(c.isdigit() for c in query) >= MIN_PHONE_DIGITS:
        return [phone_digits(query)]
    folded = (compact(word) for word in query.split())
    return [term for term in folded if term][:MAX_TERMS]


def filter_terms(queryset, query: str, field: str = "search"):
    """``queryset`` restricted to rows whose ``field`` contains every term of ``query``."""
    for term in terms(query):
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset
