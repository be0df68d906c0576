"""Core writes. Every write goes through here and leaves an audit event."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, crisis
from .mfa import has_totp
from .models import Agency, ApiKey, CrisisModeChange, CrisisNotice, Membership, Organisation
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
        # What the capabilities do on a flip writes their rows before the audit chain's head
        # is locked by the first event (lock order, ADR 0024).
        # What the listeners did, for the page ("2 call campaigns closed."); not stored.
        change.listener_messages = crisis.switch_flipped(
            organisation=organisation, actor=actor, previous=previous, current=change
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


def agency_open_during_closure(*, agency: Agency, actor, is_open: bool) -> Agency:
    """Open (or close again) one agency while the organisation's public reception is closed.

    Only the override changes: the agency's own status is kept for when reception reopens.
    Setting the value it already has writes nothing (a double submit is harmless).
    """
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = agency.open_during_closure
        if before == is_open:
            return agency
        agency.open_during_closure = is_open
        agency.save(update_fields=["open_during_closure"])
        audit.record(
            action="agency.closure_override_changed",
            organisation=agency.organisation,
            actor=actor,
            obj=agency,
            changes={"open_during_closure": [before, is_open]},
        )
    return agency


NOTICE_FIELDS = ("text", "phone_lines", "emergency_phone", "links")


def crisis_notice_save(*, organisation: Organisation, actor, **values) -> CrisisNotice:
    """Create or update the organisation's public crisis notice (``NOTICE_FIELDS``).

    The notice row is locked while it changes, so two editors saving at once leave the last
    one's text and two audit events, never two notices (the unique constraint is the backstop).
    """
    with transaction.atomic():
        notice = CrisisNotice.objects.select_for_update().for_organisation(organisation).first()
        before = {name: getattr(notice, name, "") for name in NOTICE_FIELDS}
        if notice is None:
            notice = CrisisNotice(organisation=organisation)
        for name in NOTICE_FIELDS:
            setattr(notice, name, values[name])
        notice.updated_at, notice.updated_by = timezone.now(), actor
        notice.save()
        audit.record(
            action="crisis.notice_updated",
            organisation=organisation,
            actor=actor,
            obj=notice,
            changes={
                name: [before[name], values[name]]
                for name in NOTICE_FIELDS
                if before[name] != values[name]
            },
        )
    return notice


SETTINGS_FIELDS = ("mfa_required", "contact_name", "contact_email", "contact_phone")


def organisation_settings_update(*, organisation: Organisation, actor, **values) -> Organisation:
    """Change the organisation's settings (``SETTINGS_FIELDS``; those not given are kept)."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = {}
        for name in SETTINGS_FIELDS:
            if name in values and getattr(organisation, name) != values[name]:
                changes[name] = [getattr(organisation, name), values[name]]
                setattr(organisation, name, values[name])
        if changes:
            organisation.save(update_fields=list(changes))
        audit.record(
            action="organisation.settings_changed",
            organisation=organisation,
            actor=actor,
            obj=organisation,
            changes=changes,
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


def api_key_create(
    *, organisation: Organisation, actor, name: str, expires_on: dt.date | None = None
) -> tuple[ApiKey, str]:
    """Create a key for ``actor`` in ``organisation``; returns the row and the clear key.

    ``expires_on`` is the last day (Europe/Paris) the key works; ``None`` for no end, allowed
    only when ``settings.API_KEY_MAX_DAYS`` is 0. Raises ``ValidationError`` for a past date,
    a date beyond that limit, or a member whose organisation requires MFA and who has no
    authenticator app (the key would be refused anyway).
    """
    check_api_key_expiry(expires_on)
    if organisation.mfa_required and not has_totp(actor):
        raise ValidationError(
            _("Your organisation requires two-factor authentication: set it up first.")
        )
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            organisation=organisation,
            user=actor,
            name=name,
            prefix=key[: len(API_KEY_PREFIX) + 6],
            key_hash=hash_api_key(key),
            expires_on=expires_on,
        )
        audit.record(
            action="api_key.created",
            organisation=organisation,
            actor=actor,
            obj=api_key,
            changes={"expires_on": expires_on.isoformat() if expires_on else None},
        )
    return api_key, key


def check_api_key_expiry(expires_on: dt.date | None) -> None:
    """Raise ``ValidationError`` unless ``expires_on`` is today or later, within the limit."""
    max_days = settings.API_KEY_MAX_DAYS
    today = timezone.localdate()
    if expires_on is None:
        if max_days:
            raise ValidationError(
                _("An API key must have an end date, at most %(days)s days from today.")
                % {"days": max_days}
            )
        return
    if expires_on < today:
        raise ValidationError(_("The end date is in the past."))
    if max_days and expires_on > today + dt.timedelta(days=max_days):
        raise ValidationError(
            _("The end date must be at most %(days)s days from today.") % {"days": max_days}
        )


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
