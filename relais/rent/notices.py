"""Rent notices (avis d'échéance) and receipts (quittances) as Typst PDFs.

A batch is one Typst document of one page per call (``typst/notices.typ``), compiled once
(untagged) and split page by page for the ZIP (``split_pages``, bytes copied, not parsed):
compiling is the cost, so a month's notices do not pay it once per tenant (bench/rent_run.py
measures notices per second). Values go in already formatted in French, like every Relais
document (ADR 0011).
"""

import io
import re
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
    """One PDF of one page per call (``kind``: "notice" or "receipt"). A single page (the
    tenant's own notice) is a tagged PDF for screen readers; a batch (the printer's ZIP) is
    not: the tags make Typst ten times slower (bench/rent_run.py)."""
    now = timezone.now()
    items = [_item(call, kind) for call in calls]
    data = {
        "title": "Avis d'échéance" if kind == "notice" else "Quittances de loyer",
        "created": fr_datetime(now),
        "items": items,
        **_landlord(organisation),
    }
    return compile_typst(TEMPLATES, "notices", data, created_at=now, tagged=len(items) <= 1)


REFERENCE = re.compile(rb"(\d+)\s+0\s+R")
PARENT = re.compile(rb"/Parent\s*\d+\s+0\s+R")


def split_pages(pdf: bytes) -> list[bytes]:
    """Each page of ``pdf`` as its own PDF.

    Typst writes a classic cross-reference table and no object streams: each page's file is
    then assembled from the original objects' bytes (the page, its contents, fonts and
    images, found by following references, never ``/Parent``), with a new page tree,
    catalogue and table — no object parsed or re-serialised, ten times faster than pypdf's
    clone and write. Any other PDF goes through pypdf."""
    reader = PdfReader(io.BytesIO(pdf))
    if b"/ObjStm" in pdf or b"/XRef" in pdf:
        return _split_with_pypdf(reader)
    offsets = dict(reader.xref.get(0, {}))
    table = int(pdf[pdf.rindex(b"startxref") + len(b"startxref") :].split()[0])
    ends = sorted([*offsets.values(), table])  # the last object ends where the table starts
    following = dict(zip(ends, ends[1:], strict=False))
    raw = {number: pdf[start : following[start]] for number, start in offsets.items()}
    info = reader.trailer.get("/Info")
    info_id = info.idnum if info is not None else None
    pages = _flat_page_tree(raw, reader.trailer.raw_get("/Root").idnum)
    if pages is None or any(
        b"/MediaBox" not in raw[n] or b"/Resources" not in raw[n] for n in pages
    ):
        return _split_with_pypdf(reader)  # a nested tree, or attributes inherited from it
    top = max(raw) + 1
    return [_one_page(raw, number, info_id, top) for number in pages]


def _flat_page_tree(raw: dict[int, bytes], root: int) -> list[int] | None:
    """The page objects' numbers in order when the tree is one /Pages node, else None."""
    found = re.search(rb"/Pages\s*(\d+)\s+0\s+R", raw[root])
    kids = found and re.search(rb"/Kids\s*\[([^\]]*)\]", raw.get(int(found[1]), b""))
    if not kids:
        return None
    pages = [int(number) for number in REFERENCE.findall(kids[1])]
    if any(re.search(rb"/Type\s*/Pages\b", raw.get(n, b"/Type/Pages")) for n in pages):
        return None
    return pages


def _references(body: bytes) -> list[int]:
    head = body.split(b"stream", 1)[0]  # a stream's binary data names no object
    return [int(found) for found in REFERENCE.findall(head)]


def _one_page(raw: dict[int, bytes], page: int, info: int | None, top: int) -> bytes:
    tree, catalogue = top, top + 1
    page_body = PARENT.sub(b"/Parent %d 0 R" % tree, raw[page])
    needed, todo = {page}, _references(PARENT.sub(b"", raw[page]))
    todo += [info] if info is not None else []
    while todo:
        number = todo.pop()
        if number in needed or number not in raw:
            continue
        needed.add(number)
        todo += _references(raw[number])
    out = bytearray(b"%PDF-1.7\n%\x80\x80\x80\x80\n")
    table = {}
    for number in sorted(needed):
        table[number] = len(out)
        out += page_body if number == page else raw[number]
    table[tree] = len(out)
    out += b"%d 0 obj\n<</Type/Pages/Kids[%d 0 R]/Count 1>>\nendobj\n" % (tree, page)
    table[catalogue] = len(out)
    out += b"%d 0 obj\n<</Type/Catalog/Pages %d 0 R>>\nendobj\n" % (catalogue, tree)
    start = len(out)
    out += b"xref\n0 1\n0000000000 65535 f\r\n"
    for number in sorted(table):
        out += b"%d 1\n%010d 00000 n\r\n" % (number, table[number])
    trailer = b"/Size %d/Root %d 0 R" % (catalogue + 1, catalogue)
    if info is not None:
        trailer += b"/Info %d 0 R" % info
    out += b"trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n" % (trailer, start)
    return bytes(out)


def _split_with_pypdf(reader) -> list[bytes]:
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
