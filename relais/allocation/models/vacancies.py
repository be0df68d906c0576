"""Allocation models — vacancies (a dwelling from notice to lease), first-quartile threshold."""

from django.core.validators import MaxValueValidator, MinValueValidator
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
    """First-quartile income threshold of one EPCI for one year (article L441-1 CCH).

    Entered by administrators from the yearly arrêté "fixant le seuil de ressources des
    demandeurs de logement social du premier quartile" (one amount per EPCI of the reform,
    yearly resources per consumption unit, in force on 1 January). Shared reference data, like
    ``IncomeCeiling``: an allocation in the EPCI goes to the first quartile when the household's
    income per consumption unit is at or below it (``vacancies/fairness.py``). An EPCI without
    a row for a year is not counted that year.
    """

    epci = models.ForeignKey(
        "housing.Epci",
        verbose_name=_("EPCI"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2017), MaxValueValidator(2100)]
    )
    amount_eur = models.PositiveIntegerField(
        _("first-quartile threshold (€ a year per consumption unit)"),
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("first-quartile threshold")
        verbose_name_plural = _("first-quartile thresholds")
        ordering = ["-year", "epci_id"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "year"], name="quartile_threshold_once")
        ]

    def __str__(self):
        return f"{self.epci_id} {self.year}: {self.amount_eur} €"
