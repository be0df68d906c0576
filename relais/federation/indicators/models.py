"""Federation indicators: numbers per member, week and indicator — never a person.

``IndicatorValue`` holds one figure (computed from the member's live data, or submitted by
the member for what it keeps elsewhere); ``WeeklyReport`` one member's week: when it submitted
figures and when the federation reminded it. ``RefreshRun`` remembers each refresh, so the
next one reads only the rows changed since.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed by Relais")
    SUBMITTED = "submitted", _("Submitted by the member")


class IndicatorValue(OrganisationOwned):
    week_start = models.DateField(_("week"))  # the Monday (ISO week, Europe/Paris)
    key = models.CharField(_("indicator"), max_length=40)
    value = models.FloatField(_("value"))  # in the indicator's unit (cents for money)
    # How many people, homes, calls or passages the value rests on (small-count suppression).
    base = models.PositiveIntegerField(_("count it rests on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "week_start", "key"], name="indicator_value_once"
            )
        ]
        indexes = [models.Index(fields=["week_start", "key"], name="indicator_week_key")]

    def __str__(self):
        return f"{self.organisation_id} {self.week_start} {self.key}={self.value}"


class WeeklyReport(OrganisationOwned):
    week_start = models.DateField(_("week"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "week_start"], name="weekly_report_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.week_start}"


class RegionalFigure(models.Model):
    """The region's figure of one indicator and week, as the dashboard shows it: made from the
    disclosed cells of the federation's members (``selectors.regional``), for the whole region
    (``area`` "") and for each département (``area`` its code). Rebuilt at every refresh and
    submission of the week (``services.regional_rebuild``): the dashboard and its 12-week chart
    read these few indexed rows instead of aggregating every member's values."""

    federation = models.ForeignKey("core.Federation", on_delete=models.CASCADE, related_name="+")
    area = models.CharField(_("département"), max_length=3, blank=True)  # "" = the region
    week_start = models.DateField(_("week"))
    key = models.CharField(_("indicator"), max_length=40)
    value = models.FloatField(_("value"), null=True)  # None: no disclosed figure
    members = models.PositiveIntegerField(default=0)  # members whose figure is included
    hidden = models.PositiveIntegerField(default=0)  # members whose figure is suppressed
    median = models.FloatField(null=True)

    class Meta:
        verbose_name = _("regional figure")
        verbose_name_plural = _("regional figures")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "area", "key", "week_start"], name="regional_figure_once"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "area", "week_start"], name="regional_figure_week")
        ]

    def __str__(self):
        return f"{self.federation_id} {self.area or '*'} {self.week_start} {self.key}"


class RefreshRun(models.Model):
    """One refresh of the indicators (every member of every federation at once)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    weeks = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    # {capability key: the highest source row id when the run began} (append-only tables)
    marks = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.rows} rows)"
