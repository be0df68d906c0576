"""Rent notices (avis d'échéance) and receipts (quittances) as Typst PDFs.

A batch is one Typst document of one page per call (``typst/notices.typ``), compiled once
and split page by page with pypdf for the ZIP: compiling is the cost, so a month's notices
do not pay it once per tenant (bench/rent_run.py measures notices per second). Values go in
already formatted in French, like every Relais document (ADR 0011).
"""

import io
import zipfile
from pathlib import Path

from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from relais.core.models import Agency
from relais.core.pdf import compile_typst, fr_date, fr_datetime

from .models import RentCall
from .rules import month_bounds

TEMPLATES = Path(__file__).resolve().parent / "typst"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def money_fr(cents: int) -> str:
    """123456 → « 1 234,56 € » (narrow no-break spaces, whatever the locale)."""
    sign = "−" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"


def month_fr(month) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def _address(lease) -> str:
    building = lease.dwelling.building
    return f"{building.address}, {building.postcode} {building.commune.name}".strip(", ")


def _item(call: RentCall, kind: str) -> dict:
    lease = call.lease
    first, last, _days = month_bounds(call.month)
    lines = [
        {"label": "Loyer principal", "amount": money_fr(call.rent_cents)},
        {"label": "Provision pour charges", "amount": money_fr(call.charges_cents)},
    ]
    if call.benefit_cents:
        lines.append(
            {
                "label": "Aide au logement versée au bailleur (APL)",
                "amount": money_fr(-call.benefit_cents),
            }
        )
    if call.rls_cents:
        lines.append(
            {"label": "Réduction de loyer de solidarité (RLS)", "amount": money_fr(-call.rls_cents)}
        )
    prorata = ""
    if call.days != call.month_days:
        prorata = f" — {call.days} jours sur {call.month_days} (prorata)"
    if kind == "notice":
        title, total_label = "Avis d'échéance", "Montant à payer"
        statement = f"À régler au plus tard le {fr_date(first.replace(day=min(5, last.day)))}."
    else:
        title, total_label = "Quittance de loyer", "Montant reçu"
        statement = (
            f"Le bailleur reconnaît avoir reçu de {lease.household.name} la somme de "
            f"{money_fr(call.amount_cents)} au titre du loyer et des charges de "
            f"{month_fr(call.month)}."
        )
    return {
        "kind": kind,
        "title": title,
        "period": f"Période du {fr_date(first)} au {fr_date(last)}{prorata}",
        "household": lease.household.name,
        "address": _address(lease),
        "lease": lease.reference,
        "dwelling": lease.dwelling.reference,
        "lines": lines,
        "total_label": total_label,
        "total": money_fr(call.amount_cents),
        "statement": statement,
    }


def _landlord(organisation) -> dict:
    agency = Agency.objects.for_organisation(organisation).order_by("pk").first()
    address = contact = ""
    if agency is not None:
        address = f"{agency.address}, {agency.postcode} {agency.city}".strip(", ")
        contact = " · ".join(filter(None, [agency.phone, agency.email]))
    return {"landlord": organisation.name, "landlord_address": address, "landlord_contact": contact}


def calls_for_print(queryset):
    return queryset.select_related(
        "lease__household", "lease__dwelling__building__commune"
    ).order_by("lease__reference", "month")


def render_batch(organisation, calls, kind: str = "notice") -> bytes:
    """One PDF of one page per call (``kind``: "notice" or "receipt")."""
    now = timezone.now()
    data = {
        "title": "Avis d'échéance" if kind == "notice" else "Quittances de loyer",
        "created": fr_datetime(now),
        "items": [_item(call, kind) for call in calls],
        **_landlord(organisation),
    }
    return compile_typst(TEMPLATES, "notices", data, created_at=now)


def split_pages(pdf: bytes) -> list[bytes]:
    """Each page of ``pdf`` as its own PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        pages.append(out.getvalue())
    return pages


def batch_zip(organisation, calls, kind: str = "notice") -> bytes:
    """A ZIP of one PDF per call, named ``<lease>-<yyyy-mm>.pdf``."""
    calls = list(calls)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        pages = split_pages(render_batch(organisation, calls, kind)) if calls else []
        for call, page in zip(calls, pages, strict=True):
            safe = call.lease.reference.replace("/", "-")
            archive.writestr(f"{safe}-{call.month:%Y-%m}.pdf", page)
    return buffer.getvalue()
