"""Core: who the landlords are, who works for them, in what role, and what has been done.

Every tenant-owned model in Relais inherits :class:`OrganisationOwned`, so rows always carry
``organisation`` and querysets always offer ``for_organisation``.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .validators import validate_siren


class OrganisationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class OrganisationOwned(models.Model):
    """Abstract base of every row that belongs to one landlord (the tenant boundary)."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", db_index=True
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        abstract = True


class Federation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    siren = models.CharField(
        _("SIREN"), max_length=9, unique=True, null=True, blank=True, validators=[validate_siren]
    )
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    mfa_required = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_("Members must set up an authenticator app before using Relais."),
    )
    # Whom outside partners (social services, federation) contact about their access.
    # db_default too: the demo seed inserts organisations and agencies with raw SQL.
    contact_name = models.CharField(
        _("contact for partners"), max_length=200, blank=True, default="", db_default=""
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True, default="", db_default="")
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """A new organisation's audit chain starts with its creation: ``audit_verify`` then
        tells a deleted chain from one never written (ADR 0016)."""
        from . import audit

        creating = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if creating:
                audit.record(action="organisation.created", organisation=self, obj=self)


class AgencyStatus(models.TextChoices):
    OPEN = "open", _("Open to the public")
    APPOINTMENT = "appointment", _("By appointment only")
    PHONE_ONLY = "phone_only", _("Closed, phone and e-mail only")
    CLOSED = "closed", _("Closed")


class Agency(OrganisationOwned):
    """A local office of a landlord; its public status tells tenants whether to come."""

    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[RegexValidator(r"^\d{5}$")]
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    public_status = models.CharField(
        _("public status"), max_length=20, choices=AgencyStatus.choices, default=AgencyStatus.OPEN
    )
    public_message = models.TextField(_("message to the public"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # A skeleton reception: this agency keeps its own status while the organisation's public
    # reception is closed (see ``shown_status``).
    open_during_closure = models.BooleanField(
        _("open during the closure"), default=False, db_default=False
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="agency_unique_name")
        ]

    def __str__(self):
        return self.name

    def shown_status(self, reception_closed: bool) -> str:
        """The status the public sees: "closed" while the organisation's public reception is
        closed, unless this agency is opened during the closure; else its own status.

        The agency's own ``public_status`` is never overwritten by the crisis switch, so
        switching reception back on shows each agency as it was.
        """
        if reception_closed and not self.open_during_closure:
            return AgencyStatus.CLOSED
        return self.public_status


class Membership(OrganisationOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_role_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class CrisisMode(models.TextChoices):
    NORMAL = "normal", _("Normal operation")
    CRISIS = "crisis", _("Crisis")
    RESTART = "restart", _("Restart")


class CrisisModeChange(OrganisationOwned):
    """One dated change of an organisation's mode; the latest row is the current state.

    The switches are what later capabilities read (interventions triage, commissions,
    outreach campaigns, agencies' reception).
    """

    mode = models.CharField(_("mode"), max_length=10, choices=CrisisMode.choices)
    reception_closed = models.BooleanField(_("public reception closed"), default=False)
    urgent_interventions_only = models.BooleanField(_("urgent interventions only"), default=False)
    remote_commissions = models.BooleanField(_("commissions held remotely"), default=False)
    outreach_active = models.BooleanField(_("outreach campaigns active"), default=False)
    # Read by rent (automatic dunning replaced by supportive contact) and continuity (the plan
    # in force, its decision log and minimum staffing).
    dunning_suspended = models.BooleanField(_("automatic dunning suspended"), default=False)
    continuity_plan_active = models.BooleanField(_("continuity plan activated"), default=False)
    # Read by work sites: running sites stop; they restart one by one under the protocol.
    worksites_stopped = models.BooleanField(_("construction sites stopped"), default=False)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    SWITCHES = (
        "reception_closed",
        "urgent_interventions_only",
        "remote_commissions",
        "outreach_active",
        "dunning_suspended",
        "continuity_plan_active",
        "worksites_stopped",
    )

    class Meta:
        verbose_name = _("crisis mode change")
        verbose_name_plural = _("crisis mode changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-changed_at", "-id"])]

    def __str__(self):
        return f"{self.organisation_id} {self.mode} {self.changed_at:%Y-%m-%d}"

    def switches_on(self) -> list[str]:
        """The labels of the switches that are on, in their order (for the banner)."""
        return [
            capfirst(self._meta.get_field(name).verbose_name)
            for name in self.SWITCHES
            if getattr(self, name)
        ]


class CrisisNotice(OrganisationOwned):
    """The public crisis notice of an organisation (one per organisation), shown at the head of
    its public agencies page while it is in crisis, and printed for building halls."""

    text = models.TextField(_("message"), max_length=800)
    phone_lines = models.TextField(
        _("phone lines and their hours"),
        max_length=800,
        blank=True,
        help_text=_("One line per number: the number, a vertical bar, then its hours."),
    )
    emergency_phone = models.CharField(_("on-call number for emergencies"), max_length=30)
    links = models.TextField(
        _("what tenants can still do"),
        max_length=1500,
        blank=True,
        help_text=_("One link per line: what it does, a vertical bar, then its address."),
    )
    updated_at = models.DateTimeField(_("last updated"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("crisis notice")
        verbose_name_plural = _("crisis notices")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="crisis_notice_one_per_org")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.updated_at:%Y-%m-%d}"


class AuditEvent(models.Model):
    """Append-only, hash-chained record of a write (or of a sensitive read).

    Events form one chain per organisation (plus a ``global`` chain for events without one).
    ``hash`` = SHA-256 of ``prev_hash`` and the event's canonical content, so altering or
    deleting any event breaks the chain; :class:`AuditChainHead` pins the chain's tail so that
    deleting the newest events is detected too. See ``relais.core.audit``.
    """

    chain = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence")
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The newest event of each chain; locked while appending, compared by ``audit_verify``."""

    chain = models.CharField(max_length=40, unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.chain} #{self.sequence}"


class ApiKey(OrganisationOwned):
    """A personal API key; only its SHA-256 is stored, the key is shown once at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Last day (Europe/Paris) the key works; empty: until revoked.
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


# The outbox's models live in their sub-package; imported here so that they belong to ``core``.
from .outbox.models import (  # noqa: E402, F401
    OutboxChannel,
    OutboxMessage,
    OutboxOptOut,
    OutboxStatus,
)
