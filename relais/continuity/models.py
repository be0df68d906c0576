"""Business continuity: the plan and its critical activities, the staff directory and the
day each person declares, the decision log and the daily situation reports.

ISO 22301 vocabulary: a critical activity has a maximum tolerable period of disruption
(``max_downtime_hours``) and a minimum level of staffing (``MinimumStaffing`` rows, by role
and site) below which it cannot run in its fallback mode.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned
from relais.core.roles import Role


class Plan(OrganisationOwned):
    """The organisation's continuity plan (one per organisation); ``version`` grows with each
    change of its activities, each version kept as a ``PlanVersion`` snapshot."""

    version = models.PositiveIntegerField(_("version"), default=1)
    adopted_at = models.DateTimeField(_("adopted at"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("continuity plan")
        verbose_name_plural = _("continuity plans")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="continuity_plan_one")]

    def __str__(self):
        return str(_("Continuity plan, version %(version)s") % {"version": self.version})


class PlanVersion(OrganisationOwned):
    """A frozen copy of the plan's activities as they were at ``number``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    activities = models.JSONField(_("activities"), default=list)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once")]

    def __str__(self):
        return f"v{self.number}"


class CriticalActivity(OrganisationOwned):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    max_downtime_hours = models.PositiveIntegerField(
        _("maximum tolerable downtime (hours)"),
        help_text=_("How long the activity may stop before harm is done to tenants or staff."),
    )
    fallback = models.TextField(_("fallback mode"), blank=True)
    dependencies = models.TextField(
        _("dependencies"), blank=True, help_text=_("Systems, contractors and supplies it needs.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )

    class Meta:
        verbose_name = _("critical activity")
        verbose_name_plural = _("critical activities")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="critical_activity_code")
        ]

    def __str__(self):
        return self.name


class MinimumStaffing(OrganisationOwned):
    """At least ``minimum`` people of ``role`` available (on site, or also teleworking unless
    ``on_site_only``), at ``agency`` or anywhere when empty, for the activity to run."""

    activity = models.ForeignKey(
        CriticalActivity, on_delete=models.CASCADE, related_name="minimums"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        "core.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    minimum = models.PositiveSmallIntegerField(_("minimum staff"))
    on_site_only = models.BooleanField(_("on site only"), default=False)

    class Meta:
        verbose_name = _("minimum staffing")
        verbose_name_plural = _("minimum staffing")
        ordering = ["activity", "role"]

    def __str__(self):
        return f"{self.activity} – {self.get_role_display()} ≥ {self.minimum}"


class StaffMember(OrganisationOwned):
    """A person of the staff directory, linked to their account (``membership``)."""

    membership = models.OneToOneField(
        "core.Membership", on_delete=models.CASCADE, related_name="staff_member"
    )
    team = models.CharField(_("team"), max_length=100, blank=True)
    agency = models.ForeignKey(
        "core.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager"),
    )
    can_drive = models.BooleanField(_("can drive"), default=False)
    first_aid = models.BooleanField(_("first aid"), default=False)
    # Health data (a person at risk of a severe form of the disease): HR and the director.
    vulnerable = models.BooleanField(_("vulnerable staff"), default=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["organisation", "manager"], name="staff_by_manager")]

    def __str__(self):
        user = self.membership.user
        return user.get_full_name() or user.username


class DayStatus(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    TELEWORK = "telework", _("Telework")
    SICK = "sick", _("Sick")
    ISOLATING = "isolating", _("Isolating")
    CHILDCARE = "childcare", _("Childcare")
    LEAVE = "leave", _("Leave")
    ABSENT = "absent", _("Absent")


# Health-related statuses: shown as "absent" to whoever lacks ``staff.view_health``.
HEALTH_STATUSES = frozenset({DayStatus.SICK, DayStatus.ISOLATING})
AVAILABLE_STATUSES = frozenset({DayStatus.ON_SITE, DayStatus.TELEWORK})


class Declaration(OrganisationOwned):
    """Where ``staff`` is on ``day`` (one row per person and day; a new declaration replaces
    the old one, the audit trail keeps both)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="declarations")
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=12, choices=DayStatus.choices)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        verbose_name = _("declared day")
        verbose_name_plural = _("declared days")
        constraints = [
            models.UniqueConstraint(fields=["staff", "day"], name="declaration_one_per_day")
        ]
        indexes = [models.Index(fields=["organisation", "day", "status"], name="declaration_day")]

    def __str__(self):
        return f"{self.staff_id} {self.day} {self.status}"


class Decision(OrganisationOwned):
    """One line of the decision log: who decided what, when and why. Append-only: no page
    and no service changes a line; each is also an audit event, which ``selectors.
    decision_log_problems`` compares it with."""

    class Kind(models.TextChoices):
        ACTIVATED = "activated", _("Plan activated")
        DEACTIVATED = "deactivated", _("Plan stood down")
        DECISION = "decision", _("Decision")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    text = models.TextField(_("decision"), max_length=2000)
    reason = models.TextField(_("why"), max_length=2000, blank=True)
    plan_version = models.PositiveIntegerField(_("plan version"), null=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return self.text[:80]


class SituationReport(OrganisationOwned):
    """The day's situation report: ``figures`` is ``[{"key", "label", "capability",
    "value", "unit"}]`` (value None: capability not in use), figures only, no personal data;
    ``pdf`` is its printed form."""

    day = models.DateField(_("day"))
    built_at = models.DateTimeField(_("built at"))
    figures = models.JSONField(_("figures"), default=list)
    pdf = models.BinaryField(_("PDF"))
    emailed_to = models.PositiveSmallIntegerField(_("directors e-mailed"), default=0)

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="situation_report_day")
        ]

    def __str__(self):
        return str(self.day)
