"""The SEPA direct-debit mandate form (SDD Core), printed for tenants who pay in cash (issue
12 §2), one page per lease, optionally after the letter offering other ways to pay.

What the EPC's SDD Core rulebook requires on a mandate is printed: the title « Mandat de
prélèvement SEPA », the unique mandate reference (RUM, filled in here so the signed form
comes back under a reference already known), the creditor's name, address and SEPA
identifier (ICS, from ``RentSettings``), the debtor's name and address (pre-filled from the
lease, editable by hand), boxes for the IBAN and BIC, recurrent payment, place, date and
signature, and the authorisation and refund-right text (8 weeks for an authorised debit).
One Typst compile per batch (ADR 0011, 0041 §10).
"""

import datetime as dt
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.models import Agency
from relais.core.pdf import compile_typst, fr_date
from relais.formats.banking import iban_display

from .models import RentSettings

TEMPLATES = Path(__file__).resolve().parent / "typst"
# The characters a SEPA mandate reference may hold (EPC "Latin character set"), 35 at most.
NOT_ALLOWED = re.compile(r"[^A-Za-z0-9+?/:().,' -]")


def mandate_reference(lease, day: dt.date) -> str:
    """``<lease reference>-<yyyymmdd>``, reduced to the SEPA characters, 35 at most."""
    suffix = f"-{day:%Y%m%d}"
    base = NOT_ALLOWED.sub("-", lease.reference.upper())
    return base[: 35 - len(suffix)] + suffix


def creditor_ready(organisation) -> bool:
    """Whether the creditor's name and SEPA identifier are set (a form can be printed)."""
    return RentSettings.objects.filter(
        organisation=organisation, creditor_name__gt="", creditor_id__gt=""
    ).exists()


def filename(lease) -> str:
    """``mandat-sepa-<lease reference>.pdf`` (a ``/`` of the reference becomes ``-``)."""
    return f"mandat-sepa-{lease.reference.replace('/', '-')}.pdf"


def _creditor(organisation) -> dict:
    found = RentSettings.objects.filter(organisation=organisation).first()
    if found is None or not found.creditor_id or not found.creditor_name:
        raise ValidationError(
            _("Enter the SEPA creditor's name and identifier in the rent settings first.")
        )
    agency = Agency.objects.for_organisation(organisation).order_by("pk").first()
    address = contact = ""
    if agency is not None:
        address = f"{agency.address}, {agency.postcode} {agency.city}".strip(", ")
        contact = " · ".join(filter(None, [agency.phone, agency.email]))
    return {
        "creditor_name": found.creditor_name,
        "creditor_id": found.creditor_id,
        # Where a tenant sends a transfer (the letter's "par virement" line); "" if not set.
        "creditor_iban": iban_display(found.creditor_iban),
        "creditor_bic": found.creditor_bic,
        "creditor_address": address,
        "creditor_contact": contact,
        "place": agency.city if agency is not None else "",
    }


def _item(lease, day: dt.date) -> dict:
    building = lease.dwelling.building
    return {
        "lease": lease.reference,
        "reference": mandate_reference(lease, day),
        "debtor_name": lease.household.name,
        "debtor_address": building.address,
        "debtor_postcode": building.postcode,
        "debtor_town": building.commune.name,
        "debtor_city": f"{building.postcode} {building.commune.name}".strip(),
    }


def leases_for_print(queryset):
    return queryset.select_related("household", "dwelling__building__commune").order_by("reference")


def render(organisation, leases, *, with_letter: bool = False) -> bytes:
    """One PDF: for each lease (``leases_for_print``), the letter when ``with_letter``, then
    the mandate form. Raises ValidationError when the creditor is not set up."""
    creditor = _creditor(organisation)
    now = timezone.now()
    today = timezone.localdate()
    data = {
        "title": "Mandat de prélèvement SEPA",
        "with_letter": with_letter,
        "place_date": ", le ".join(filter(None, [creditor.pop("place"), fr_date(today)])),
        "items": [_item(lease, today) for lease in leases],
        **creditor,
    }
    return compile_typst(TEMPLATES, "mandate", data, created_at=now)
