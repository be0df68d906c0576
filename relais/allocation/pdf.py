"""Typst rendering of the allocation documents (minutes, letters to applicants).

Templates live in ``typst/``; Python passes them one JSON document through ``sys.inputs`` with
every value already formatted the French way, so the templates only lay out text. Values are
inserted as Typst strings, never as markup, so an applicant's name cannot inject anything.
Only the fonts embedded in the typst wheel are used (``ignore_system_fonts``) and the creation
date is the caller's, so the same data gives the same bytes on every machine (see ADR 0011).
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

import typst
from django.utils import formats, timezone, translation

from relais.core.templatetags.relais import euros

TEMPLATES = Path(__file__).resolve().parent / "typst"


def render(template: str, data: dict, *, created_at: dt.datetime) -> bytes:
    """Compile ``typst/<template>.typ`` with ``data`` into PDF bytes."""
    return typst.compile(
        str(TEMPLATES / f"{template}.typ"),
        root=str(TEMPLATES),
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=int(created_at.timestamp()),
    )


def sha256(content: bytes | memoryview) -> str:
    return hashlib.sha256(bytes(content)).hexdigest()


# French formatting: the documents are French whatever the reader's interface language.


def fr_date(value: dt.date | None) -> str:
    """23 novembre 2026."""
    if value is None:
        return ""
    with translation.override("fr"):
        return formats.date_format(value, "j F Y")


def fr_datetime(value: dt.datetime | None) -> str:
    """23 novembre 2026 à 14 h 30 (Europe/Paris)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{fr_date(local.date())} à {local:%H} h {local:%M}"


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
