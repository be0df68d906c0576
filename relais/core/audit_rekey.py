"""Changing the audit chain key: verify every chain with the old key, re-hash it with the new.

Run during maintenance (web and workers stopped): each chain's head is locked while it is
re-hashed, but a writer holding the old key would append to a chain that no longer verifies.
A chain that does not verify with the old key is not re-keyed: the command stops and the
database is left as it was (one transaction). A fresh anchor is written at the end, since the
anchors' signing key derives from the chain key (ADR 0016).
"""

from django.db import transaction

from .audit import GENESIS_HASH, HASHED_FIELDS, content_hash
from .models import AuditChainHead, AuditEvent

BATCH = 2000


class ChainBroken(Exception):
    """A chain did not verify with the old key: nothing was changed."""


def _rekey_chain(head: AuditChainHead, old: bytes, new: bytes) -> int:
    prev_old = prev_new = GENESIS_HASH
    last = 0
    while True:
        events = list(
            AuditEvent.objects.filter(chain=head.chain, sequence__gt=last).order_by("sequence")[
                :BATCH
            ]
        )
        if not events:
            break
        for event in events:
            values = {name: getattr(event, name) for name in HASHED_FIELDS}
            linked = (event.sequence, event.prev_hash) == (last + 1, prev_old)
            if not linked or content_hash(prev_old, values, old) != event.hash:
                raise ChainBroken(f"{head.chain} #{event.sequence} does not verify")
            prev_old, last = event.hash, event.sequence
            event.prev_hash, event.hash = prev_new, content_hash(prev_new, values, new)
            prev_new = event.hash
        AuditEvent.objects.bulk_update(events, ["prev_hash", "hash"])
    if (head.sequence, head.hash) != (last, prev_old):
        raise ChainBroken(f"{head.chain}: the head does not match the newest event")
    head.hash = prev_new
    head.save(update_fields=["hash"])
    return last


def rekey_all(old_key: str, new_key: str) -> int:
    """Re-hash every chain from ``old_key`` to ``new_key``; returns the events re-hashed."""
    with transaction.atomic():
        heads = AuditChainHead.objects.select_for_update().order_by("chain")
        return sum(_rekey_chain(head, old_key.encode(), new_key.encode()) for head in heads)
