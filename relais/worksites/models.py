"""Construction sites stopped and restarted under the sanitary protocol (issue 16, ADR 0045).

A ``WorkSite`` has its companies (``SiteCompany``) with their COVID referents, a checklist
(``ChecklistItem``, copied from the organisation's ``ProtocolItemTemplate`` when the site is
created) and gate links (``GateLink``) through which people entering record a health
self-check (``GateEntry``). The restart is the director's signature, refused while a
mandatory item of the checklist is open. Each stop and its restart is kept as a
``Stoppage`` row (ADR 0054).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned


class SiteKind(models.TextChoices):
    NEW_BUILD = "new_build", _("New build")
    RENOVATION = "renovation", _("Renovation")
    MAINTENANCE = "maintenance", _("Maintenance programme")


class SiteStatus(models.TextChoices):
    PREPARING = "preparing", _("Not started")
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped")
    PREPARING_RESTART = "preparing_restart", _("Preparing restart")
    RESTARTED = "restarted", _("Restarted")
    COMPLETED = "completed", _("Completed")


# Sites with people working on them: what the "construction sites stopped" switch stops.
ACTIVE_STATUSES = (SiteStatus.RUNNING, SiteStatus.RESTARTED)
# Sites waiting for the protocol and the director's signature.
TO_RESTART = (SiteStatus.STOPPED, SiteStatus.PREPARING_RESTART)


class Evidence(models.TextChoices):
    PHOTO = "photo", _("A photo")
    DOCUMENT = "document", _("A document (PDF)")
    NONE = "none", _("No evidence")


class WorkSite(OrganisationOwned):
    reference = models.CharField(_("reference"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of work"), max_length=20, choices=SiteKind.choices)
    residence = models.ForeignKey(
        "housing.Residence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("residence"),
    )
    address = models.CharField(_("address"), max_length=300)
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project manager (landlord)"),
    )
    prime_contractor = models.CharField(_("prime contractor"), max_length=200, blank=True)
    sps_name = models.CharField(_("safety and health coordinator (SPS)"), max_length=200)
    sps_phone = models.CharField(_("SPS coordinator's phone"), max_length=30, blank=True)
    sps_email = models.EmailField(_("SPS coordinator's e-mail"), blank=True)
    referent_name = models.CharField(_("site COVID referent"), max_length=200, blank=True)
    referent_phone = models.CharField(_("site COVID referent's phone"), max_length=30, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.PREPARING
    )
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    restarted_on = models.DateField(_("restarted on"), null=True, blank=True)
    restart_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restart signed by"),
    )
    restart_signed_at = models.DateTimeField(_("restart signed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work site")
        verbose_name_plural = _("work sites")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="worksite_reference_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="worksite_status")]

    def __str__(self):
        return f"{self.reference} – {self.name}"


class Stoppage(OrganisationOwned):
    """One stop of a site and the restart that ended it: the site's history of stops (ADR
    0054). ``restarted_on`` stays empty while the site is stopped — at most one such open row
    per site; the signature is the director's who signed the restart (``restart_sign``).
    ``WorkSite.stopped_on``/``restarted_on`` are a copy of the latest row, written with it."""

    site = models.ForeignKey(
        WorkSite, on_delete=models.CASCADE, related_name="stoppages", verbose_name=_("work site")
    )
    stopped_on = models.DateField(_("stopped on"))
    restarted_on = models.DateField(_("restarted on"), null=True, blank=True)
    restart_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restart signed by"),
    )
    restart_signed_at = models.DateTimeField(_("restart signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stop of a work site")
        verbose_name_plural = _("stops of work sites")
        ordering = ["-stopped_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(restarted_on__isnull=True),
                name="stoppage_one_open_per_site",
            )
        ]
        indexes = [
            # The federation's weekly counts (``indicators.computes.sites``).
            models.Index(fields=["organisation", "stopped_on"], name="stoppage_stopped"),
            models.Index(fields=["organisation", "restarted_on"], name="stoppage_restarted"),
        ]

    def __str__(self):
        return f"{self.site_id}: {self.stopped_on} → {self.restarted_on or '…'}"


class SiteCompany(OrganisationOwned):
    site = models.ForeignKey(
        WorkSite, on_delete=models.CASCADE, related_name="companies", verbose_name=_("work site")
    )
    name = models.CharField(_("company"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    trade = models.CharField(_("trade"), max_length=100)
    referent_name = models.CharField(_("COVID referent"), max_length=200, blank=True)
    referent_phone = models.CharField(_("COVID referent's phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("company on site")
        verbose_name_plural = _("companies on site")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class ProtocolItemTemplate(OrganisationOwned):
    """One measure of the organisation's sanitary protocol, copied into each new site."""

    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("measure"), max_length=300)
    guidance = models.TextField(_("what to check"), blank=True)
    mandatory = models.BooleanField(_("mandatory for the restart"), default=True)
    evidence = models.CharField(
        _("evidence"), max_length=10, choices=Evidence.choices, default=Evidence.PHOTO
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("protocol measure")
        verbose_name_plural = _("protocol measures")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class ChecklistItem(OrganisationOwned):
    """A measure of one site's checklist, answered with its date and evidence."""

    site = models.ForeignKey(
        WorkSite, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("work site")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("measure"), max_length=300)
    guidance = models.TextField(_("what to check"), blank=True)
    mandatory = models.BooleanField(_("mandatory for the restart"), default=True)
    evidence_kind = models.CharField(
        _("evidence"), max_length=10, choices=Evidence.choices, default=Evidence.PHOTO
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="worksites/evidence/%Y/%m/", blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "order"], name="checklist_item_order_unique")
        ]

    def __str__(self):
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class GateLink(OrganisationOwned):
    """The address of a site's gate form (no account): only the token's SHA-256 is stored;
    it expires and staff can revoke it."""

    site = models.ForeignKey(
        WorkSite, on_delete=models.CASCADE, related_name="gate_links", verbose_name=_("work site")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gate link")
        verbose_name_plural = _("gate links")
        ordering = ["-created_at", "-pk"]


class GateEntry(OrganisationOwned):
    """A person at the gate on a day, with the health self-check they answered: admitted only
    without symptoms (OPPBTP guide: symptomatic people stay out)."""

    site = models.ForeignKey(
        WorkSite, on_delete=models.CASCADE, related_name="entries", verbose_name=_("work site")
    )
    link = models.ForeignKey(GateLink, on_delete=models.PROTECT, related_name="entries")
    day = models.DateField(_("day"))
    person_name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey(
        SiteCompany,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    company_name = models.CharField(_("company"), max_length=200)
    no_symptoms = models.BooleanField(_("no symptoms"))
    admitted = models.BooleanField(_("admitted"))
    submitted_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    submission_key = models.UUIDField()

    class Meta:
        verbose_name = _("gate entry")
        verbose_name_plural = _("gate entries")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "submission_key"], name="gate_entry_submission_unique"
            )
        ]
        indexes = [models.Index(fields=["site", "day"], name="gate_entry_day")]
