"""Interventions models — the on-call rota (astreinte): who answers emergencies outside office
hours, per agency, and the alerts sent to them with their acknowledgement (issue 8 §4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned


class OnCallShift(OrganisationOwned):
    """One person on call for ``agency`` from ``starts_at`` to ``ends_at``.

    Several shifts may overlap: ``rank`` orders them for escalation (1 is called first, 2 when
    1 has not acknowledged in time, …).
    """

    agency = models.ForeignKey(
        "core.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person on call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("on-call phone"), max_length=30)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    rank = models.PositiveSmallIntegerField(_("order of call"), default=1)

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        ordering = ["starts_at", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="on_call_shift_ends_after"
            )
        ]
        indexes = [models.Index(fields=["organisation", "agency", "starts_at", "ends_at"])]

    def __str__(self):
        return f"{self.person_name} {self.starts_at:%Y-%m-%d %H:%M}"


class OnCallAlert(OrganisationOwned):
    """An urgent request sent to the person on call; ``acknowledged_at`` stops the escalation,
    else the next rank is alerted after a set delay (``escalated_at``)."""

    request = models.ForeignKey(
        "interventions.InterventionRequest", on_delete=models.CASCADE, related_name="alerts"
    )
    shift = models.ForeignKey(OnCallShift, on_delete=models.PROTECT, related_name="alerts")
    sent_at = models.DateTimeField(_("sent at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("on-call alert")
        verbose_name_plural = _("on-call alerts")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "shift"], name="on_call_alert_once_per_shift"
            )
        ]

    def __str__(self):
        return f"{self.request_id} → {self.shift_id}"
