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
from django.utils import timezone, translation

from relais.formats import long_date

from .crisis import notice_news, parse_links, parse_phone_lines, public_links

TEMPLATES = Path(__file__).resolve().parent / "typst"
POSTER_NEWS = 3


def compile_typst(
    templates: Path, template: str, data: dict, *, created_at: dt.datetime, tagged: bool = True
) -> bytes:
    """Compile ``<templates>/<template>.typ`` with ``data`` into PDF bytes (every app's
    documents: the JSON in ``sys.inputs``, embedded fonts only, the caller's date).

    ``tagged`` False leaves out the PDF's structure tags (for screen readers): a batch of
    hundreds of pages for the printer compiles about ten times faster without them."""
    return typst.compile(
        str(templates / f"{template}.typ"),
        root=str(templates),
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=int(created_at.timestamp()),
        pdf_tags=tagged,
    )


def render(template: str, data: dict, *, created_at: dt.datetime) -> bytes:
    """Compile core's ``typst/<template>.typ`` with ``data`` into PDF bytes."""
    return compile_typst(TEMPLATES, template, data, created_at=created_at)


# French formatting: the documents are French whatever the reader's interface language.


def fr_date(value: dt.date | None) -> str:
    """23 novembre 2026."""
    if value is None:
        return ""
    with translation.override("fr"):
        return long_date(value, "j F Y")


def fr_datetime(value: dt.datetime | None) -> str:
    """23 novembre 2026 à 14 h 30 (Europe/Paris)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{fr_date(local.date())} à {local:%H} h {local:%M}"


def _public_links_fr(organisation):
    with translation.override("fr"):
        return public_links(organisation)


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
        # The capabilities' public pages first (e.g. the intervention request form), in French
        # like the rest of the poster.
        "links": [
            {"label": line.first, "address": line.second}
            for line in [*_public_links_fr(notice.organisation), *parse_links(notice.links)]
        ],
        "updated": fr_datetime(notice.updated_at),
        # The latest messages to tenants (safety first), three at most on a poster.
        "news": [
            {
                "title": item.title,
                "sent": fr_datetime(item.sent_at),
                "excerpt": item.excerpt,
                "safety": item.safety,
            }
            for item in notice_news(notice.organisation)[:POSTER_NEWS]
        ],
    }


def crisis_notice_pdf(notice, *, site_url: str) -> bytes:
    """The A4 notice in large type; relative link addresses are completed with ``site_url``."""
    data = crisis_notice_data(notice)
    for link in data["links"]:
        if link["address"].startswith("/"):
            link["address"] = site_url.rstrip("/") + link["address"]
    return render("crisis_notice", data, created_at=notice.updated_at)
