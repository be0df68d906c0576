"""The building notice (A4, for the hall) and its QR code to the public building page.

The public page's address carries the building's id signed with the site's key
(``public_token``), so buildings cannot be listed by counting; the page shows the address and
the passages, never a person. The QR code is drawn as SVG by ``core.qr`` and embedded in the
Typst document as bytes (no network, no vendored Typst package).
"""

import datetime as dt
from pathlib import Path

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from relais.core.pdf import compile_typst, fr_datetime
from relais.core.qr import qr_svg

from .selectors import BuildingState

TEMPLATES = Path(__file__).resolve().parent / "typst"
SALT = "relais.proximity.building"


def public_token(building) -> str:
    return signing.Signer(salt=SALT).sign(str(building.pk)).replace(":", ".")


def building_id_from(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=SALT).unsign(token.replace(".", ":")))
    except (signing.BadSignature, ValueError):
        return None


def public_url(building, site_url: str) -> str:
    path = reverse(
        "proximity:public_building",
        kwargs={"slug": building.organisation.slug, "token": public_token(building)},
    )
    return site_url.rstrip("/") + path


def notice_data(building, state: BuildingState, *, site_url: str, now: dt.datetime) -> dict:
    """Every value of the notice, formatted in French (Europe/Paris)."""
    address = public_url(building, site_url)
    return {
        "landlord": building.organisation.name,
        "address": building.postal_address,
        "last": fr_datetime(state.last_disinfection),
        "next": fr_datetime(state.next_disinfection),
        "printed": fr_datetime(now),
        "url": address,
        "qr": qr_svg(address),
    }


def notice_pdf(building, state: BuildingState, *, site_url: str) -> bytes:
    now = timezone.now().replace(microsecond=0)
    data = notice_data(building, state, site_url=site_url, now=now)
    return compile_typst(TEMPLATES, "building_notice", data, created_at=now)
