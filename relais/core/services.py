"""Core writes. Every write goes through here and leaves an audit event."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from . import audit
from .models import Agency, ApiKey, CrisisModeChange, Membership, Organisation
from .selectors import current_crisis_state

API_KEY_PREFIX = "rls_"


def crisis_mode_change(
    *, organisation: Organisation, actor, mode: str, switches: dict[str, bool], note: str = ""
) -> CrisisModeChange:
    unknown = set(switches) - set(CrisisModeChange.SWITCHES)
    if unknown:
        raise ValueError(f"unknown crisis switches: {sorted(unknown)}")
    with transaction.atomic():
        previous = current_crisis_state(organisation)
        change = CrisisModeChange.objects.create(
            organisation=organisation, mode=mode, note=note, changed_by=actor, **switches
        )
        audit.record(
            action="crisis.mode_changed",
            organisation=organisation,
            actor=actor,
            obj=change,
            changes={
                "mode": [previous.mode, mode],
                **{name: getattr(change, name) for name in CrisisModeChange.SWITCHES},
                "note": note,
            },
        )
    return change


def agency_status_update(
    *, agency: Agency, actor, public_status: str, public_message: str
) -> Agency:
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = (agency.public_status, agency.public_message)
        agency.public_status, agency.public_message = public_status, public_message
        agency.status_changed_at = timezone.now()
        agency.save(update_fields=["public_status", "public_message", "status_changed_at"])
        audit.record(
            action="agency.status_changed",
            organisation=agency.organisation,
            actor=actor,
            obj=agency,
            changes={
                "public_status": [before[0], public_status],
                "public_message": [before[1], public_message],
            },
        )
    return agency


def organisation_settings_update(
    *, organisation: Organisation, actor, mfa_required: bool
) -> Organisation:
    with transaction.atomic():
        before = organisation.mfa_required
        organisation.mfa_required = mfa_required
        organisation.save(update_fields=["mfa_required"])
        audit.record(
            action="organisation.settings_changed",
            organisation=organisation,
            actor=actor,
            obj=organisation,
            changes={"mfa_required": [before, mfa_required]},
        )
    return organisation


def membership_grant(*, organisation: Organisation, actor, user, role: str) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.update_or_create(
            organisation=organisation, user=user, defaults={"role": role, "is_active": True}
        )
        audit.record(
            action="membership.granted" if created else "membership.changed",
            organisation=organisation,
            actor=actor,
            obj=membership,
            changes={"user": user.get_username(), "role": role},
        )
    return membership


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, organisation: Organisation, actor, name: str) -> tuple[ApiKey, str]:
    """Create a key for ``actor`` in ``organisation``; returns the row and the clear key."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            organisation=organisation,
            user=actor,
            name=name,
            prefix=key[: len(API_KEY_PREFIX) + 6],
            key_hash=hash_api_key(key),
        )
        audit.record(action="api_key.created", organisation=organisation, actor=actor, obj=api_key)
    return api_key, key


def api_key_revoke(*, api_key: ApiKey, actor) -> ApiKey:
    with transaction.atomic():
        ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        api_key.refresh_from_db()
        audit.record(
            action="api_key.revoked", organisation=api_key.organisation, actor=actor, obj=api_key
        )
    return api_key
