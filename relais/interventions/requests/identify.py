"""Who is asking: a tenant without an account identifies with their lease reference plus the
dwelling's postcode or a phone number the landlord has on file (issue 8 §1).

The answer never says which part was wrong (a lease reference alone must not be confirmed to a
stranger), and failed attempts are throttled per client address and per lease reference
(``throttle``), so references cannot be tried in bulk.
"""

import re
from dataclasses import dataclass

from relais.core.phones import parse_phone
from relais.core.search import compact
from relais.housing.models import Lease, Occupant

POSTCODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Tenant:
    """The current lease found, with its household and dwelling."""

    lease: Lease

    @property
    def household(self):
        return self.lease.household

    @property
    def dwelling(self):
        return self.lease.dwelling


def normalise_reference(reference: str) -> str:
    """A lease reference as typed (« bl-2024 0042 ») → stored spelling candidates compare on:
    upper case, no spaces."""
    return "".join(reference.split()).upper()


def find_tenant(organisation, *, lease_reference: str, postcode_or_phone: str) -> Tenant | None:
    """The current lease of ``organisation`` whose reference is ``lease_reference`` and whose
    dwelling's postcode, or one of whose household's occupants' phone, is
    ``postcode_or_phone``; None otherwise (also for an ended lease). Two queries at most."""
    reference = normalise_reference(lease_reference)
    second = postcode_or_phone.strip()
    if not reference or not second:
        return None
    lease = (
        Lease.objects.for_organisation(organisation)
        .filter(reference__iexact=reference, end_date__isnull=True)
        .select_related("household", "dwelling__building")
        .first()
    )
    if lease is None:
        return None
    compacted = compact(second)
    if POSTCODE.match(compacted):
        return Tenant(lease) if lease.dwelling.building.postcode == compacted else None
    phone = parse_phone(second)
    if phone is None:
        return None
    on_file = Occupant.objects.filter(household=lease.household, phone=phone).exists()
    return Tenant(lease) if on_file else None
