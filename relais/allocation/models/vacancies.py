"""Allocation models — vacancies (a dwelling from notice to lease), first-quartile threshold."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned

# Vacancies -----------------------------------------------------------------------------------


class VacancyStatus(models.TextChoices):
    NOTICE = "notice", _("Notice received")
    REFURBISHMENT = "refurbishment", _("Refurbishment")
    READY = "ready", _("Ready to let")
    ON_AGENDA = "on_agenda", _("On a commission agenda")
    ALLOCATED = "allocated", _("Allocated")
    LET = "let", _("Lease signed")


class Vacancy(OrganisationOwned):
    """A dwelling being re-let, from the departing tenant's notice to the new lease."""

    dwelling = models.ForeignKey(
        "housing.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="vacancies",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=VacancyStatus.choices, default=VacancyStatus.NOTICE
    )
    notice_received_on = models.DateField(_("notice received on"))
    vacated_on = models.DateField(_("vacated on"), null=True, blank=True)
    contractor = models.CharField(_("refurbishment contractor"), max_length=200, blank=True)
    refurbishment_planned_start = models.DateField(_("works planned from"), null=True, blank=True)
    refurbishment_planned_end = models.DateField(_("works planned until"), null=True, blank=True)
    refurbishment_actual_start = models.DateField(_("works started on"), null=True, blank=True)
    refurbishment_actual_end = models.DateField(_("works finished on"), null=True, blank=True)
    ready_on = models.DateField(_("ready on"), null=True, blank=True)
    allocated_on = models.DateField(_("allocated on"), null=True, blank=True)
    lease_signed_on = models.DateField(_("lease signed on"), null=True, blank=True)
    charges_cents = models.PositiveIntegerField(_("monthly charges provision (cents)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-notice_received_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=~Q(status="let"),
                name="vacancy_one_open_per_dwelling",
            )
        ]

    def __str__(self):
        return f"{self.dwelling.reference} ({self.get_status_display()})"


# Fairness (vacancies helper) ------------------------------------------------------------------


class QuartileThreshold(models.Model):
    """Yearly income threshold of the first quartile of applicants (article L441-1 CCH).

    Shared reference data, like ``IncomeCeiling``: at least 25 % of each year's allocations
    outside QPV must go to applicants at or below it. A year without a row has no indicator.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount_eur = models.PositiveIntegerField(_("first-quartile threshold (€ a year)"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("first-quartile threshold")
        verbose_name_plural = _("first-quartile thresholds")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.amount_eur} €"
