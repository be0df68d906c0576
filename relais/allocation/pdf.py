"""Typst rendering of the allocation documents (minutes, letters to applicants).

Templates live in ``typst/``; Python passes them one JSON document through ``sys.inputs`` with
every value already formatted the French way, so the templates only lay out text. Values are
inserted as Typst strings, never as markup, so an applicant's name cannot inject anything.
Only the fonts embedded in the typst wheel are used (``ignore_system_fonts``) and the creation
date is the caller's, so the same data gives the same bytes on every machine (see ADR 0011).
"""

import datetime as dt
import hashlib
from pathlib import Path

from django.utils import formats, translation

from relais.core.pdf import compile_typst, fr_date, fr_datetime  # noqa: F401  (the documents share core's French dates)
from relais.core.templatetags.relais import euros

TEMPLATES = Path(__file__).resolve().parent / "typst"


def render(template: str, data: dict, *, created_at: dt.datetime) -> bytes:
    """Compile allocation's ``typst/<template>.typ`` with ``data`` into PDF bytes."""
    return compile_typst(TEMPLATES, template, data, created_at=created_at)


def sha256(content: bytes | memoryview) -> str:
    return hashlib.sha256(bytes(content)).hexdigest()


# French formatting: the documents are French whatever the reader's interface language.


def fr_money(cents: int | None) -> str:
    """1 234,56 €."""
    with translation.override("fr"):
        return euros(cents)


def fr_number(value, decimals: int = 2) -> str:
    """2,33."""
    if value is None or value == "":
        return ""
    with translation.override("fr"):
        return formats.number_format(value, decimal_pos=decimals, use_l10n=True)
