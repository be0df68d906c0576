"""Failed identifications on the public request form, counted per client address and per lease
reference in Django's cache (the database cache by default, shared by every app server).

A fixed window per key: the first failure opens it, ``limit`` failures inside it close the
form for that key until it ends. Successes are not counted, so a tenant who finally gets it
right is not punished, and do not reset the count, so alternating a known lease with guesses
does not help a prober.
"""

from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache

from .identify import normalise_reference


@dataclass(frozen=True)
class Rate:
    name: str
    limit: int
    window_seconds: int


# One household typing its reference wrong a few times stays well under these; a script
# trying references from one address, or one reference from many addresses, does not.
PER_ADDRESS = Rate("ip", 10, 15 * 60)
PER_LEASE = Rate("lease", 5, 15 * 60)


def _keys(request, organisation, lease_reference: str) -> list[tuple[Rate, str]]:
    address = get_adapter().get_client_ip(request)
    reference = normalise_reference(lease_reference)
    keys = [(PER_ADDRESS, f"interventions:identify:ip:{address}")]
    if reference:
        keys.append((PER_LEASE, f"interventions:identify:lease:{organisation.pk}:{reference}"))
    return keys


def is_blocked(request, organisation, lease_reference: str) -> bool:
    """True when the address or the lease reference has used up its failed attempts."""
    return any(
        (cache.get(key) or 0) >= rate.limit
        for rate, key in _keys(request, organisation, lease_reference)
    )


def count_failure(request, organisation, lease_reference: str) -> None:
    for rate, key in _keys(request, organisation, lease_reference):
        if not cache.add(key, 1, timeout=rate.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=rate.window_seconds)
