"""The keyed chain and its anchors resist someone who can write to the database (issue 19 §2)."""

import importlib
import json

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from relais.core import audit
from relais.core.audit_anchor import write_anchor
from relais.core.checks import audit_key_check
from relais.core.models import AuditChainHead, AuditEvent

from ..factories import OrganisationFactory, UserFactory

rekeying = importlib.import_module("relais.core.migrations.0004_audit_chain_keyed")


@pytest.fixture
def organisation_chain(db):
    organisation = OrganisationFactory()
    actor = UserFactory()
    for n in range(5):
        audit.record(action="test.done", organisation=organisation, actor=actor, changes={"n": n})
    return organisation


def _messages(anchor_dir=None):
    return [str(problem) for problem in audit.verify_all(anchor_dir)[1]]


def _rechain(chain: str, hasher) -> None:
    """What an intruder does after deleting events: renumber and recompute every link."""
    prev, sequence = audit.GENESIS_HASH, 0
    for event in AuditEvent.objects.filter(chain=chain).order_by("sequence"):
        sequence += 1
        event.sequence, event.prev_hash = sequence, prev
        values = {name: getattr(event, name) for name in audit.HASHED_FIELDS}
        event.hash = hasher(prev, values)
        AuditEvent.objects.filter(pk=event.pk).update(
            sequence=sequence, prev_hash=prev, hash=event.hash
        )
        prev = event.hash
    AuditChainHead.objects.filter(chain=chain).update(sequence=sequence, hash=prev)


def test_delete_and_rechain_without_the_key_is_detected(organisation_chain):
    chain = audit.chain_for(organisation_chain)
    AuditEvent.objects.filter(chain=chain, sequence=3).delete()
    _rechain(chain, audit.legacy_hash)  # plain SHA-256: what the chain used to be
    assert audit.verify_all()[1]
    wrong_key = b"a key guessed by the intruder, not the one in the settings"
    _rechain(chain, lambda prev, values: audit.content_hash(prev, values, wrong_key))
    messages = _messages()
    assert f"{chain} #1: content altered" in messages
    assert len(messages) == 5  # every one of the five remaining events


def test_deleting_a_whole_chain_and_its_head_is_detected(organisation_chain):
    chain = audit.chain_for(organisation_chain)
    AuditEvent.objects.filter(chain=chain).delete()
    AuditChainHead.objects.filter(chain=chain).delete()
    assert _messages() == [f"{chain} head: the organisation's chain is missing"]
    with pytest.raises(CommandError, match="corrupted"):
        call_command("audit_verify")


def test_a_chain_rolled_back_behind_its_anchor_is_detected(organisation_chain, settings):
    """Even with the key, going back to an earlier state contradicts the anchor."""
    chain = audit.chain_for(organisation_chain)
    write_anchor()
    assert _messages() == []
    AuditEvent.objects.filter(chain=chain, sequence__gt=4).delete()
    fourth = AuditEvent.objects.get(chain=chain, sequence=4)
    AuditChainHead.objects.filter(chain=chain).update(sequence=4, hash=fourth.hash)
    [message] = _messages()
    assert message.startswith(f"{chain} head: went back from #6 (anchor ")
    assert message.endswith(") to 4")


def test_a_chain_and_head_deleted_after_an_anchor_is_detected_with_its_anchor(
    organisation_chain,
):
    chain = audit.chain_for(organisation_chain)
    write_anchor()
    AuditEvent.objects.filter(chain=chain).delete()
    AuditChainHead.objects.filter(chain=chain).delete()
    messages = _messages()
    assert f"{chain} head: the organisation's chain is missing" in messages
    assert any(m.startswith(f"{chain} head: went back from #6") for m in messages)


def test_an_anchored_event_rewritten_with_the_key_is_detected(organisation_chain):
    chain = audit.chain_for(organisation_chain)
    write_anchor()
    AuditEvent.objects.filter(chain=chain, sequence__gte=2).delete()
    AuditChainHead.objects.filter(chain=chain).update(
        sequence=1, hash=AuditEvent.objects.get(chain=chain, sequence=1).hash
    )
    for n in range(5):  # five new events: the head is back at #6, with other content
        audit.record(action="test.forged", organisation=organisation_chain, changes={"n": n})
    [message] = _messages()
    assert message.startswith(f"{chain} #6: differs from the anchor of ")


def test_only_a_signed_anchor_counts(organisation_chain, settings):
    chain = audit.chain_for(organisation_chain)
    path = write_anchor()
    data = json.loads(path.read_text())
    data["chains"][chain]["sequence"] = 2  # an intruder lowers the anchored head…
    forged = path.with_name("audit-heads-99990101T000000000000Z.json")
    forged.write_text(json.dumps(data))
    AuditEvent.objects.filter(chain=chain, sequence__gt=2).delete()  # …to hide a rollback
    third = AuditEvent.objects.get(chain=chain, sequence=2)
    AuditChainHead.objects.filter(chain=chain).update(sequence=2, hash=third.hash)
    messages = _messages()
    assert f"anchor head: {forged.name}: unreadable or not signed" in messages
    assert any(m.startswith(f"{chain} head: went back from #6") for m in messages)


def test_anchors_are_read_from_another_directory_and_mailed(organisation_chain, settings, tmp_path):
    settings.AUDIT_ANCHOR_EMAILS = ["archives@bailleur.example"]
    copy = tmp_path / "mailed"
    path = write_anchor(copy)
    [message] = mail.outbox
    assert message.to == ["archives@bailleur.example"]
    assert message.attachments[0][0] == path.name
    AuditEvent.objects.filter(sequence=6).delete()
    AuditChainHead.objects.update(sequence=5)
    assert any("went back from #6" in m for m in _messages(copy))
    call_command("audit_anchor")
    assert len(list(settings.AUDIT_ANCHOR_DIR.glob("audit-heads-*.json"))) == 1


def test_the_key_is_required_without_debug(settings, db):
    settings.DEBUG = False
    settings.AUDIT_HMAC_KEY = ""
    assert [error.id for error in audit_key_check()] == ["relais.E010"]
    settings.AUDIT_HMAC_KEY = settings.AUDIT_DEV_HMAC_KEY
    assert [error.id for error in audit_key_check()] == ["relais.E010"]
    settings.AUDIT_HMAC_KEY = "x" * 48
    assert audit_key_check() == []
    settings.AUDIT_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        audit.record(action="test.done")


def test_the_migration_re_keys_an_intact_legacy_trail(organisation_chain):
    rekeying.backwards(apps, None)  # back to plain SHA-256, as before the migration
    first = AuditEvent.objects.order_by("pk").first()
    values = {name: getattr(first, name) for name in audit.HASHED_FIELDS}
    assert first.hash == audit.legacy_hash(audit.GENESIS_HASH, values)
    assert audit.verify_all()[1]  # unkeyed hashes do not verify any more
    bare = OrganisationFactory()
    AuditEvent.objects.filter(organisation=bare).delete()
    AuditChainHead.objects.filter(chain=audit.chain_for(bare)).delete()
    rekeying.forwards(apps, None)
    assert audit.verify_all()[1] == []
    opened = AuditEvent.objects.get(organisation=bare)
    assert (opened.action, opened.sequence) == ("audit.chain_opened", 1)


def test_the_migration_refuses_to_seal_a_tampered_legacy_trail(organisation_chain):
    rekeying.backwards(apps, None)
    AuditEvent.objects.filter(sequence=3).update(changes={"n": 99})
    before = sorted(AuditEvent.objects.values_list("hash", flat=True))
    with pytest.raises(RuntimeError, match="broken at event #3"):
        rekeying.forwards(apps, None)
    assert sorted(AuditEvent.objects.values_list("hash", flat=True)) == before


def test_changing_the_key_re_hashes_every_chain_and_anchors_it(
    organisation_chain, settings, monkeypatch
):
    write_anchor()
    old = settings.AUDIT_HMAC_KEY
    monkeypatch.setenv("OLD_AUDIT_HMAC_KEY", old)
    settings.AUDIT_HMAC_KEY = "a new key, at least thirty-two characters long"
    assert audit.verify_all()[1]  # under the new key the old hashes do not verify
    call_command("audit_rekey")
    assert audit.verify_all()[1] == []


def test_a_broken_chain_is_not_re_keyed(organisation_chain, settings, monkeypatch):
    monkeypatch.setenv("OLD_AUDIT_HMAC_KEY", settings.AUDIT_HMAC_KEY)
    AuditEvent.objects.filter(sequence=3).update(changes={"n": 99})
    before = sorted(AuditEvent.objects.values_list("hash", flat=True))
    settings.AUDIT_HMAC_KEY = "a new key, at least thirty-two characters long"
    with pytest.raises(CommandError, match="nothing changed"):
        call_command("audit_rekey")
    assert sorted(AuditEvent.objects.values_list("hash", flat=True)) == before
