"""Reading electronic invoices: Factur-X (a PDF/A-3 carrying a CII XML), CII and UBL XML
(DOMAIN.md §3b, EN 16931). The factur-x library extracts and parses; this module turns its
EN 16931 data (keyed by business terms, "BT-1" …) into a ``ParsedInvoice`` in cents.

``read_invoice_file(data) -> ParsedInvoice`` raises ``InvoiceFileError`` with a sentence for
people (which file, which field) for a file that is neither, is not valid against its schema,
or lacks a required term; a PDF without embedded XML raises ``NotAnEInvoice`` (key it).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from . import rules

SIREN_SCHEMES = {"0002"}  # ISO 6523: SIREN
SIRET_SCHEMES = {"0009"}  # ISO 6523: SIRET


class InvoiceFileError(ValueError):
    """The file cannot be read as an invoice; the message says why, for people."""


class NotAnEInvoice(InvoiceFileError):
    """A PDF with no invoice XML inside: staff key it."""


@dataclass
class ParsedLine:
    description: str
    net_cents: int
    vat_rate_bp: int


@dataclass
class ParsedInvoice:
    source: str  # "facturx" | "cii" | "ubl"
    number: str
    issue_date: dt.date
    stated_due_on: dt.date | None
    currency: str
    seller_name: str
    seller_siren: str
    seller_vat: str
    iban: str
    order_reference: str
    net_cents: int
    vat_cents: int
    gross_cents: int
    lines: list[ParsedLine] = field(default_factory=list)
    vat_rows: list[rules.VatRow] = field(default_factory=list)


def cents(value, term: str) -> int:
    """ "1234.5" → 123450; refuses what is not an amount with at most two decimals."""
    try:
        amount = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        raise InvoiceFileError(
            _("%(term)s is not an amount: “%(value)s”.") % {"term": term, "value": value}
        ) from None
    if amount != amount.to_integral_value():
        raise InvoiceFileError(
            _("%(term)s has more than two decimals: “%(value)s”.") % {"term": term, "value": value}
        )
    return int(amount)


def rate_bp(value) -> int:
    """ "20" or "5.5" (per cent) → 2000 or 550 basis points."""
    try:
        return int(Decimal(str(value or "0")) * 100)
    except (InvalidOperation, ValueError):
        raise InvoiceFileError(
            _("A VAT rate is not a number: “%(value)s”.") % {"value": value}
        ) from None


def _siren(party: dict) -> str:
    scheme = party.get("legal_identifier_schemeid", "")
    legal = "".join(ch for ch in party.get("legal_identifier", "") if ch.isdigit())
    if scheme in SIREN_SCHEMES and len(legal) == 9:
        return legal
    if scheme in SIRET_SCHEMES and len(legal) == 14:
        return legal[:9]
    vat = party.get("vat_identifier", "").replace(" ", "")
    if vat.upper().startswith("FR") and len(vat) == 13:
        return vat[4:]
    return legal if len(legal) == 9 else ""


def _required(data: dict, term: str, label: str):
    value = data.get(term)
    if value in (None, ""):
        raise InvoiceFileError(
            _("The invoice has no %(label)s (%(term)s).") % {"label": label, "term": term}
        )
    return value


def from_en16931(data: dict, source: str) -> ParsedInvoice:
    """The factur-x library's parsed dict → ``ParsedInvoice`` (amounts in cents)."""
    seller = data.get("BG-4") or {}
    lines = [
        ParsedLine(
            description=str(line.get("BT-153") or line.get("BT-126") or "")[:300],
            net_cents=cents(line.get("BT-131", "0"), "BT-131"),
            vat_rate_bp=rate_bp(line.get("BT-152")),
        )
        for line in data.get("BG-25") or []
    ]
    vat_rows = [
        rules.VatRow(
            base_cents=cents(row.get("BT-116", "0"), "BT-116"),
            vat_cents=cents(row.get("BT-117", "0"), "BT-117"),
            rate_bp=rate_bp(row.get("BT-119")),
        )
        for row in data.get("BG-23") or []
    ]
    return ParsedInvoice(
        source=source,
        number=str(_required(data, "BT-1", _("number")))[:60],
        issue_date=_required(data, "BT-2", _("date")),
        stated_due_on=data.get("BT-9") or None,
        currency=data.get("BT-5") or "EUR",
        seller_name=str(seller.get("name", ""))[:200],
        seller_siren=_siren(seller),
        seller_vat=str(seller.get("vat_identifier", ""))[:20],
        iban=str(data.get("BT-84") or "").replace(" ", "")[:34],
        order_reference=str(data.get("BT-13") or "")[:60],
        net_cents=cents(_required(data, "BT-109", _("total excluding VAT")), "BT-109"),
        vat_cents=cents(data.get("BT-110") or "0", "BT-110"),
        gross_cents=cents(_required(data, "BT-112", _("total including VAT")), "BT-112"),
        lines=lines,
        vat_rows=vat_rows,
    )


def _parse_xml(xml: bytes, source_if_cii: str) -> ParsedInvoice:
    from facturx import get_flavor, parse_ubl_cii_xml
    from lxml import etree

    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
        flavor = get_flavor(root)
    except Exception:  # lxml and factur-x raise plain exceptions on what is not an invoice
        raise InvoiceFileError(_("The file is not an invoice in Factur-X, CII or UBL.")) from None
    if flavor not in ("factur-x", "ubl-2.1-invoice"):
        raise InvoiceFileError(_("The file is not an invoice in Factur-X, CII or UBL."))
    try:
        data = parse_ubl_cii_xml(root, flavor=flavor, check_xsd=True)
    except Exception as error:
        logging.getLogger(__name__).info("invoice XML refused: %s", error)
        raise InvoiceFileError(
            _("The invoice XML does not follow its schema (EN 16931): %(detail)s")
            % {"detail": str(error)[:300]}
        ) from None
    return from_en16931(data, "ubl" if flavor.startswith("ubl") else source_if_cii)


def read_invoice_file(data: bytes) -> ParsedInvoice:
    """A Factur-X PDF or a CII/UBL XML file → ``ParsedInvoice``."""
    if data[:5] == b"%PDF-":
        from facturx import get_xml_from_pdf

        try:
            _name, xml = get_xml_from_pdf(data, check_xsd=False)
        except Exception:
            raise InvoiceFileError(_("The PDF cannot be read.")) from None
        if not xml:
            raise NotAnEInvoice(_("This PDF carries no Factur-X invoice: key it by hand."))
        return _parse_xml(xml, "facturx")
    if data.lstrip()[:1] == b"<":
        return _parse_xml(data, "cii")
    raise InvoiceFileError(_("The file is neither a PDF nor an XML invoice."))
