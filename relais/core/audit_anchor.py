"""Anchors: signed copies of the audit chain heads, kept outside the database.

A keyed chain stops someone who can write to the database but has no key. Anchors also stop
someone who rolls a chain back to an earlier state (deleting its newest events and restoring
an older head), or who deletes a whole chain: ``audit_verify`` compares the database with the
newest anchor. An anchor file (``audit-heads-<UTC time>.json``) holds::

    {"version": 1, "written_at": "2026-12-01T03:00:00+00:00",
     "chains": {"org:12": {"sequence": 481, "hash": "<hex>"}, ...},
     "signature": "<HMAC-SHA256 hex of the rest, under a key derived from AUDIT_HMAC_KEY>"}

Files are written atomically to ``settings.AUDIT_ANCHOR_DIR`` (put it on other storage than
the database) and, when ``settings.AUDIT_ANCHOR_EMAILS`` is set, mailed as an attachment.
"""

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone

from .audit import ChainProblem, hmac_key
from .models import AuditChainHead, AuditEvent

PREFIX = "audit-heads-"
VERSION = 1


@dataclass(frozen=True)
class Anchor:
    path: Path
    written_at: str
    chains: dict[str, dict]


def _anchor_key() -> bytes:
    """A key of its own for anchors, derived from the chain key (one secret to keep)."""
    return hmac.new(hmac_key(), b"relais-audit-anchor", hashlib.sha256).digest()


def _signature(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_anchor_key(), canonical, hashlib.sha256).hexdigest()


def heads_snapshot() -> dict:
    """The signed content of an anchor: every chain head now."""
    heads = AuditChainHead.objects.order_by("chain").values_list("chain", "sequence", "hash")
    body = {
        "version": VERSION,
        "written_at": timezone.now().isoformat(),
        "chains": {chain: {"sequence": seq, "hash": digest} for chain, seq, digest in heads},
    }
    return {**body, "signature": _signature(body)}


def write_anchor(directory=None) -> Path:
    """Write the heads to a new anchor file (atomically) and mail it if configured."""
    directory = Path(directory or settings.AUDIT_ANCHOR_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    snapshot = heads_snapshot()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{PREFIX}{stamp}.json"
    content = json.dumps(snapshot, indent=1, sort_keys=True)
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)
    if settings.AUDIT_ANCHOR_EMAILS:
        message = EmailMessage(
            subject=f"Relais — ancre du journal d'audit {stamp}",
            body="Empreintes signées des chaînes du journal d'audit. À conserver.",
            to=settings.AUDIT_ANCHOR_EMAILS,
        )
        message.attach(path.name, content, "application/json")
        message.send()
    return path


def read_anchor(path: Path) -> Anchor | None:
    """The anchor in ``path``, or None when it is unreadable or its signature is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        body = {name: data[name] for name in ("version", "written_at", "chains")}
        signature = data["signature"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not hmac.compare_digest(_signature(body), str(signature)):
        return None
    return Anchor(path, body["written_at"], body["chains"])


def newest_anchor(directory=None) -> tuple[Anchor | None, list[ChainProblem]]:
    """The newest valid anchor of the directory; invalid newer files are problems."""
    directory = Path(directory or settings.AUDIT_ANCHOR_DIR)
    problems = []
    for path in sorted(directory.glob(f"{PREFIX}*.json"), reverse=True):
        anchor = read_anchor(path)
        if anchor is not None:
            return anchor, problems
        problems.append(ChainProblem("anchor", None, f"{path.name}: unreadable or not signed"))
    return None, problems


def _stored_hashes(keys: list[tuple[str, int]], batch: int = 200) -> dict:
    """(chain, sequence) → hash of those events in the database, by batches of OR'ed pairs."""
    found = {}
    for start in range(0, len(keys), batch):
        condition = Q()
        for chain, sequence in keys[start : start + batch]:
            condition |= Q(chain=chain, sequence=sequence)
        rows = AuditEvent.objects.filter(condition).values_list("chain", "sequence", "hash")
        found.update({(chain, seq): digest for chain, seq, digest in rows})
    return found


def anchor_problems(heads: dict, directory=None) -> list[ChainProblem]:
    """Chains that went back from the newest anchor, or whose anchored event changed."""
    anchor, problems = newest_anchor(directory)
    if anchor is None:
        return problems
    anchored = {(chain, head["sequence"]): head["hash"] for chain, head in anchor.chains.items()}
    stored = _stored_hashes(list(anchored))
    when = anchor.written_at
    for (chain, sequence), digest in sorted(anchored.items()):
        head = heads.get(chain)
        if head is None or head.sequence < sequence:
            now = head.sequence if head is not None else "none"
            problems.append(
                ChainProblem(chain, None, f"went back from #{sequence} (anchor {when}) to {now}")
            )
        elif sequence and stored.get((chain, sequence)) != digest:
            problems.append(ChainProblem(chain, sequence, f"differs from the anchor of {when}"))
    return problems
