"""The printed letters of a broadcast: one PDF for the printer, rendered as ONE Typst document
(a cover sheet with the counts, then one page per letter), the address placed in the window of
the chosen envelope (``window``). Same rules as core's documents (``relais.core.pdf``): the
JSON in ``sys.inputs``, values as strings (never markup), embedded fonts only.
"""

from pathlib import Path

from django.utils import timezone

from relais.core.pdf import compile_typst, fr_date, fr_datetime

from . import merge, recipients, window
from .models import BroadcastLetter

TEMPLATES = Path(__file__).resolve().parent / "typst"
ADDRESS_LINES = 6


def _letter(row: dict, broadcast, fixed: dict[str, str]) -> dict:
    values = recipients.person_values(row, fixed)
    address = [
        f"{row['first_name']} {row['last_name']}",
        row["m_address"],
        f"{row['m_postcode']} {row['m_commune_name'].upper()}",
    ]
    return {
        "address": [line for line in address if line.strip()][:ADDRESS_LINES],
        "subject": merge.render(broadcast.subject, values),
        "body": merge.render(broadcast.body, values),
        "agency_phone": values["{telephone_agence}"],
    }


def letters_data(broadcast) -> dict:
    """What the batch prints (the typst template's input)."""
    organisation = broadcast.organisation
    fixed = recipients.constants(organisation)
    occupant_ids = BroadcastLetter.objects.filter(broadcast=broadcast).values("occupant_id")
    rows = (
        recipients.base(organisation, details=True)
        .filter(pk__in=occupant_ids)
        .order_by("m_postcode", "m_address", "last_name", "pk")
        .values(
            "first_name", "last_name", "m_address", "m_postcode", "m_commune_name", "m_agency_phone"
        )  # fmt: skip
    )
    letters = [_letter(row, broadcast, fixed) for row in rows]
    box = window.ADDRESS[broadcast.envelope]
    counts = broadcast.counts or {}
    return {
        "landlord": organisation.name,
        "landlord_phone": organisation.contact_phone or "",
        "landlord_email": organisation.contact_email or "",
        "title": broadcast.title,
        "date": fr_date(timezone.localdate()),
        "printed": fr_datetime(timezone.now()),
        "envelope": broadcast.get_envelope_display(),
        "address_box": {"left": box.left, "top": box.top, "width": box.width},
        "counts": {
            "letters": str(len(letters)),
            "email": str(counts.get("email", 0)),
            "sms": str(counts.get("sms", 0)),
        },
        "letters": letters,
    }


def render_batch(broadcast) -> tuple[bytes, int]:
    """(PDF bytes, pages): the cover sheet and every letter in one document."""
    data = letters_data(broadcast)
    pdf = compile_typst(TEMPLATES, "letters", data, created_at=timezone.now())
    return pdf, 1 + len(data["letters"])
