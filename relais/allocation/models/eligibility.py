"""Allocation models — Eligibility: income ceilings (shared reference data)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.housing.models import Zone

# Eligibility ---------------------------------------------------------------------------------


class CeilingFinancing(models.TextChoices):
    """Financings with their own table; PLS is derived (PLUS × 1.30)."""

    PLAI = "PLAI", "PLAI"
    PLUS = "PLUS", "PLUS"


class IncomeCeiling(models.Model):
    """Yearly income ceiling (plafond de ressources) by financing, zone and household category.

    ``category`` 1–6, or 7 for the amount added per person beyond category 6.
    """

    EXTRA_PERSON = 7

    year = models.PositiveSmallIntegerField(_("year"))
    financing = models.CharField(_("financing"), max_length=4, choices=CeilingFinancing.choices)
    zone = models.CharField(_("zone"), max_length=20, choices=Zone.choices)
    category = models.PositiveSmallIntegerField(
        _("household category"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    ceiling_eur = models.PositiveIntegerField(_("ceiling (€ a year)"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("income ceiling")
        verbose_name_plural = _("income ceilings")
        ordering = ["-year", "financing", "zone", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "financing", "zone", "category"], name="income_ceiling_unique"
            )
        ]

    def __str__(self):
        return f"{self.year} {self.financing} {self.zone} {self.category}: {self.ceiling_eur} €"
