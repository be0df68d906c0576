"""Re-key the audit chains: plain SHA-256 (ADR 0005) → HMAC-SHA256 with AUDIT_HMAC_KEY.

Each chain is first verified with the hash it was written with; a chain that does not verify
stops the migration (nothing is changed), so a tampered trail is never sealed as intact.
Then every event is re-hashed with the key, in order, and each head follows. Organisations
without any event get a first ``audit.chain_opened`` event, so that every organisation has a
chain (ADR 0016). The hashing code is copied here on purpose: a migration must keep meaning
what it meant when it ran, whatever ``relais.core.audit`` becomes.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations
from django.utils import timezone

GENESIS = "0" * 64
FIELDS = (
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
BATCH = 2000


def _message(prev_hash, event) -> bytes:
    payload = {name: getattr(event, name) for name in FIELDS}
    payload["created_at"] = event.created_at.astimezone(UTC).isoformat()
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{prev_hash}{canonical}".encode()


def _plain(prev_hash, event) -> str:
    return hashlib.sha256(_message(prev_hash, event)).hexdigest()


def _keyed(prev_hash, event) -> str:
    if not settings.AUDIT_HMAC_KEY:
        raise ImproperlyConfigured("set AUDIT_HMAC_KEY before migrating: it keys the audit trail")
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, _message(prev_hash, event), hashlib.sha256).hexdigest()


def _rechain(Event, head, chain, old, new) -> None:
    """Verify ``chain`` with ``old``, re-hash it with ``new``; raise if it does not verify."""
    prev_old = prev_new = GENESIS
    last = 0
    while True:
        events = list(
            Event.objects.filter(chain=chain, sequence__gt=last).order_by("sequence")[:BATCH]
        )
        if not events:
            break
        for event in events:
            if (event.sequence, event.prev_hash) != (last + 1, prev_old) or old(
                prev_old, event
            ) != event.hash:
                raise RuntimeError(
                    f"audit chain {chain} is broken at event #{event.sequence}: it was not "
                    "re-keyed. Investigate with `manage.py audit_verify` on the previous version."
                )
            prev_old, last = event.hash, event.sequence
            event.prev_hash, event.hash = prev_new, new(prev_new, event)
            prev_new = event.hash
        Event.objects.bulk_update(events, ["prev_hash", "hash"])
    if head is None or (head.sequence, head.hash) != (last, prev_old):
        raise RuntimeError(f"audit chain {chain}: its head does not match its newest event")
    head.hash = prev_new
    head.save(update_fields=["hash"])


def _open_missing_chains(apps) -> None:
    Organisation = apps.get_model("core", "Organisation")
    Event = apps.get_model("core", "AuditEvent")
    Head = apps.get_model("core", "AuditChainHead")
    with_events = set(Event.objects.values_list("chain", flat=True).distinct())
    for organisation in Organisation.objects.order_by("pk"):
        chain = f"org:{organisation.pk}"
        if chain in with_events:
            continue
        event = Event(
            chain=chain,
            sequence=1,
            organisation_id=organisation.pk,
            actor_id=None,
            action="audit.chain_opened",
            object_type="core.organisation",
            object_id=str(organisation.pk),
            object_repr=organisation.name[:300],
            changes={},
            created_at=timezone.now(),
            prev_hash=GENESIS,
        )
        event.hash = _keyed(GENESIS, event)
        event.save()
        Head.objects.update_or_create(chain=chain, defaults={"sequence": 1, "hash": event.hash})


def _rekey(apps, old, new) -> None:
    Event = apps.get_model("core", "AuditEvent")
    Head = apps.get_model("core", "AuditChainHead")
    heads = {head.chain: head for head in Head.objects.all()}
    chains = set(heads) | set(Event.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        _rechain(Event, heads.get(chain), chain, old, new)


def forwards(apps, schema_editor):
    _rekey(apps, _plain, _keyed)
    _open_missing_chains(apps)


def backwards(apps, schema_editor):
    _rekey(apps, _keyed, _plain)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_crisis_notice_agency_override_contact")]

    operations = [migrations.RunPython(forwards, backwards)]
