"""Merge fields, French typography and SMS length: pure rules, no database.

Templates hold merge fields in braces, French names since the people writing them are
French: ``{nom}``, ``{adresse}``, ``{telephone_agence}``, ``{astreinte}``, ``{lien_avis}``.
The same replacement runs in Python (previews, letters) and in SQL (the outbox rows written
by one ``INSERT … SELECT``: ``recipients.rendered``), so both give the same text.
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# placeholder → what it becomes (for the form's help and the preview).
FIELDS = {
    "{nom}": _("the tenant's first and last name"),
    "{adresse}": _("the tenant's address"),
    "{telephone_agence}": _("the agency's phone (else the landlord's)"),
    "{astreinte}": _("the on-call number of the crisis notice"),
    "{lien_avis}": _("the link to the public crisis notice"),
}
UNKNOWN_FIELD = re.compile(r"\{[a-z_]+\}")
# What a public text (read by everyone on the notice) shows instead of a person's fields.
PUBLIC_VALUES = {"{nom}": "Madame, Monsieur", "{adresse}": ""}


def unknown_fields(text: str) -> list[str]:
    """The placeholders of ``text`` that are not merge fields (a typo: ``{non}``)."""
    return sorted({found for found in UNKNOWN_FIELD.findall(text) if found not in FIELDS})


def render(template: str, values: dict[str, str]) -> str:
    """``template`` with each merge field replaced by ``values[field]`` ("" when missing)."""
    text = template
    for field in FIELDS:
        text = text.replace(field, values.get(field, ""))
    return text


NBSP = "\u00a0"  # before « : » and inside « », as French printing rules say
NNBSP = "\u202f"  # narrow, before ; ! ?


def french_typography(text: str) -> str:
    """Non-breaking spaces where French puts them (so a line never starts with « : » or
    « ! »); characters typed by the author (apostrophes, quotes, dashes) are kept as typed."""
    text = re.sub(r"[ \u00a0\u202f]+([;!?])", NNBSP + r"\1", text)
    text = re.sub(r"[ \u00a0\u202f]+([:»])", NBSP + r"\1", text)
    return re.sub(r"«[ \u00a0\u202f]+", "«" + NBSP, text)


def plain_spaces(text: str) -> str:
    """Non-breaking spaces made plain (for SMS, see ``sms_length``)."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


# SMS: GSM 03.38 (7-bit) alphabet, else UCS-2 -----------------------------------------------------

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")  # two septets each


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # septets for GSM-7 (extended characters count twice), UTF-16 units else
    parts: int  # messages billed: 160/153 (GSM-7) or 70/67 (UCS-2) characters each


def sms_length(text: str) -> SmsLength:
    """How many SMS ``text`` takes: one of 160 GSM-7 characters or 70 UCS-2 ones; longer
    texts are split in parts of 153 or 67 (the rest carries the concatenation header)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        size = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        size = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    parts = 1 if size <= single else math.ceil(size / part)
    return SmsLength(encoding, size, parts if size else 0)
