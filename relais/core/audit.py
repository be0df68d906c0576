"""The hash-chained audit trail: append an event, verify the chains.

Each organisation has its own chain (``org:<id>``), events without an organisation go to the
``global`` chain. Appending locks the chain's head row (``SELECT … FOR UPDATE``), so two
writers never fork a chain; the ``(chain, sequence)`` unique constraint is the backstop.

The head is the hottest row of an organisation: every audited write and sensitive read of the
landlord goes through it. Inside ``appended_last()`` (which ``core.transactions.
write_transaction`` opens) ``record()`` only queues its event; the queue is appended when the
block ends, so the head is locked by the last statements of the transaction and never held
while other rows are locked after it (lock order: docs/decisions/0024-lock-order.md).

Hashes are HMAC-SHA256 with ``settings.AUDIT_HMAC_KEY``, a key that is not in the database
(ADR 0016): without it nobody can recompute a chain after deleting or altering an event.
"""

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, Organisation

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "chain",
    "sequence",
    "organisation_id",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "created_at",
)


def chain_for(organisation) -> str:
    return f"org:{organisation.pk}" if organisation is not None else "global"


def _normalise(changes) -> dict:
    """JSON round-trip, so what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder))


def hmac_key() -> bytes:
    """The chain key from the settings; refusing to hash without one (never a silent default)."""
    if not settings.AUDIT_HMAC_KEY:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set to write or verify the audit trail")
    return settings.AUDIT_HMAC_KEY.encode()


def canonical_content(prev_hash: str, values: dict) -> bytes:
    """What is hashed: the previous hash, then the event's fields as canonical JSON."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["created_at"] = values["created_at"].astimezone(UTC).isoformat()
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{prev_hash}{canonical}".encode()


def content_hash(prev_hash: str, values: dict, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the event under ``key`` (default: the configured chain key), in hex."""
    message = canonical_content(prev_hash, values)
    return hmac.new(key or hmac_key(), message, hashlib.sha256).hexdigest()


def legacy_hash(prev_hash: str, values: dict) -> str:
    """The unkeyed SHA-256 of the first version (ADR 0005), read once by the re-keying."""
    return hashlib.sha256(canonical_content(prev_hash, values)).hexdigest()


def record(
    *, action: str, organisation=None, actor=None, obj=None, changes=None, object_repr=""
) -> AuditEvent:
    """Append one event to the organisation's chain, inside the caller's transaction.

    Within ``appended_last()`` the event is queued and appended at the end of that block; the
    returned instance gets its ``pk``, ``sequence`` and ``hash`` then.
    """
    chain = chain_for(organisation)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    values = {
        "chain": chain,
        "organisation_id": organisation.pk if organisation is not None else None,
        "actor_id": actor_id,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": (object_repr or (str(obj) if obj is not None else ""))[:300],
        "changes": _normalise(changes),
        "created_at": timezone.now(),
    }
    if _queue.events is not None and connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return _enqueue(values)
    with transaction.atomic():
        return _append(values)


def _append(values: dict) -> AuditEvent:
    """Link one event to its chain's head, in the caller's transaction (locks the head)."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        chain=values["chain"], defaults={"hash": GENESIS_HASH}
    )
    values["sequence"] = head.sequence + 1
    digest = content_hash(head.hash, values)
    event = AuditEvent(prev_hash=head.hash, hash=digest, **values)
    head.sequence, head.hash = values["sequence"], digest
    connection = connections[head._state.db]
    if connection.vendor != "postgresql":
        event.save(force_insert=True, using=head._state.db)
        head.save(update_fields=["sequence", "hash"])
        return event
    _insert_and_move_head(connection, event, head)
    return event


def _insert_and_move_head(connection, event: AuditEvent, head: AuditChainHead) -> None:
    """On PostgreSQL, the event's insert and the head's move in one statement (one round
    trip less per event; the head is already locked by this transaction)."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH moved AS (UPDATE {AuditChainHead._meta.db_table} SET sequence = %s, hash = %s "
            f"WHERE id = %s) INSERT INTO {AuditEvent._meta.db_table} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id",
            [head.sequence, head.hash, head.pk, *params],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


# Appending last --------------------------------------------------------------------------------


class _Queue(threading.local):
    events: list | None = None  # [(marker, values, event)] while ``appended_last`` is open


_queue = _Queue()


class _Marker:
    """A no-op ``on_commit`` callback per queued event. Django drops the callbacks registered
    inside a savepoint that rolls back; a queued event whose marker was dropped belongs to a
    write that did not happen, and is not appended."""

    def __call__(self):
        pass


def _enqueue(values: dict) -> AuditEvent:
    """Queue the event; the returned (unsaved) instance is filled in when it is appended."""
    marker = _Marker()
    transaction.on_commit(marker)
    event = AuditEvent(**values)
    _queue.events.append((marker, values, event))
    return event


def appending_last() -> bool:
    """True inside an ``appended_last()`` block (``record()`` queues its events)."""
    return _queue.events is not None


@contextmanager
def appended_last(using: str = DEFAULT_DB_ALIAS):
    """Queue ``record()``'s events while the block runs; append them when it ends without error.

    Must run inside a transaction (``write_transaction`` opens both). The heads are locked in
    chain-name order, then each event is linked in the order it was recorded. Nested blocks
    leave the appending to the outermost. An exception discards the queue (the transaction
    rolls back with it).
    """
    if _queue.events is not None:
        yield
        return
    _queue.events = []
    try:
        yield
        queued, _queue.events = _queue.events, None
        live = {id(func) for _sids, func, _robust in connections[using].run_on_commit}
        kept = [(values, event) for marker, values, event in queued if id(marker) in live]
        chains = sorted({values["chain"] for values, _event in kept})
        if len(chains) > 1:  # one order for everybody: no two writers wait on each other
            for chain in chains:
                AuditChainHead.objects.select_for_update().get_or_create(
                    chain=chain, defaults={"hash": GENESIS_HASH}
                )
        for values, event in kept:
            stored = _append(values)
            event.pk, event.sequence = stored.pk, stored.sequence
            event.prev_hash, event.hash = stored.prev_hash, stored.hash
            event._state.adding, event._state.db = False, stored._state.db
    finally:
        _queue.events = None


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    sequence: int | None
    message: str

    def __str__(self):
        where = f"#{self.sequence}" if self.sequence is not None else "head"
        return f"{self.chain} {where}: {self.message}"


def verify_chain(chain: str, head: AuditChainHead | None) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    key = hmac_key()
    prev_hash, expected = GENESIS_HASH, 1
    rows = (
        AuditEvent.objects.filter(chain=chain)
        .order_by("sequence")
        .values("prev_hash", "hash", *HASHED_FIELDS)
    )
    for row in rows.iterator(chunk_size=5000):
        seq = row["sequence"]
        if seq != expected:
            problems.append(ChainProblem(chain, seq, f"expected event #{expected}: missing"))
        if row["prev_hash"] != prev_hash:
            problems.append(ChainProblem(chain, seq, "link to the previous event broken"))
        if not hmac.compare_digest(content_hash(row["prev_hash"], row, key), row["hash"]):
            problems.append(ChainProblem(chain, seq, "content altered"))
        prev_hash, expected = row["hash"], seq + 1
    if head is None:
        problems.append(ChainProblem(chain, None, "chain head missing"))
    elif (head.sequence, head.hash) != (expected - 1, prev_hash):
        problems.append(ChainProblem(chain, None, "newest events missing or head altered"))
    return problems


def missing_organisation_chains(chains_with_events: set[str]) -> list[ChainProblem]:
    """Every organisation's chain starts with its creation: none may be missing or empty."""
    return [
        ChainProblem(chain_for(organisation), None, "the organisation's chain is missing")
        for organisation in Organisation.objects.only("pk").order_by("pk")
        if chain_for(organisation) not in chains_with_events
    ]


def verify_all(anchor_dir=None) -> tuple[int, list[ChainProblem]]:
    """Verify every chain, that each organisation has one, and that no chain went back from
    its newest signed anchor (in ``anchor_dir``, default ``settings.AUDIT_ANCHOR_DIR``).

    Returns (number of events checked, problems found).
    """
    from .audit_anchor import anchor_problems

    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    with_events = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    problems: list[ChainProblem] = []
    for chain in sorted(set(heads) | with_events):
        problems.extend(verify_chain(chain, heads.get(chain)))
    problems.extend(missing_organisation_chains(with_events))
    problems.extend(anchor_problems(heads, anchor_dir))
    return AuditEvent.objects.count(), problems
