"""Typst rendering of core's printed documents (the crisis notice for building halls).

Same rules as the allocation documents (ADR 0011): one JSON document through ``sys.inputs``
with every value already formatted, values inserted as strings (never markup), only the fonts
embedded in the typst wheel, and the creation date given by the caller, so the same notice
gives the same bytes everywhere.
"""

import datetime as dt
import json
from pathlib import Path

import typst
from django.utils import formats, timezone, translation

from .crisis import parse_links, parse_phone_lines

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


def _fr_datetime(value: dt.datetime) -> str:
    """1 décembre 2026 à 14 h 30 (Europe/Paris)."""
    local = timezone.localtime(value)
    with translation.override("fr"):
        day = formats.date_format(local.date(), "j F Y")
    return f"{day} à {local:%H} h {local:%M}"


def crisis_notice_data(notice) -> dict:
    """What the printed notice shows (the typst template's input)."""
    return {
        "landlord": notice.organisation.name,
        "text": notice.text,
        "phones": [
            {"number": line.first, "hours": line.second}
            for line in parse_phone_lines(notice.phone_lines)
        ],
        "emergency": notice.emergency_phone,
        "links": [
            {"label": line.first, "address": line.second} for line in parse_links(notice.links)
        ],
        "updated": _fr_datetime(notice.updated_at),
    }


def crisis_notice_pdf(notice, *, site_url: str) -> bytes:
    """The A4 notice in large type; relative link addresses are completed with ``site_url``."""
    data = crisis_notice_data(notice)
    for link in data["links"]:
        if link["address"].startswith("/"):
            link["address"] = site_url.rstrip("/") + link["address"]
    return render("crisis_notice", data, created_at=notice.updated_at)
