"""Allocation models — Eligibility: income ceilings and the communes' A/B/C zones (shared
reference data)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..eligibility.rules import CEILING_ZONE_CHOICES, AbcZone

# Eligibility ---------------------------------------------------------------------------------


class CeilingFinancing(models.TextChoices):
    """Financings with their own table; PLS is derived (PLUS × 1.30)."""

    PLAI = "PLAI", "PLAI"
    PLUS = "PLUS", "PLUS"
    PLI = "PLI", "PLI"


class IncomeCeiling(models.Model):
    """Yearly income ceiling (plafond de ressources) by financing, zone and household category.

    ``category`` 1–6, or 7 for the amount added per person beyond category 6. PLAI and PLUS
    rows are by the zones of the arrêté of 29 July 1987, PLI rows by the A/B/C zoning.
    """

    EXTRA_PERSON = 7

    year = models.PositiveSmallIntegerField(_("year"))
    financing = models.CharField(_("financing"), max_length=4, choices=CeilingFinancing.choices)
    zone = models.CharField(_("zone"), max_length=20, choices=CEILING_ZONE_CHOICES)
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


class CommuneAbcZone(models.Model):
    """The A bis / A / B1 / B2 / C zone of a commune (the PLI ceilings' zoning), loaded from
    ``data/abc_zones.csv`` by ``eligibility.zoning.load_abc_zones``."""

    commune = models.OneToOneField(
        "housing.Commune",
        verbose_name=_("commune"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="abc_zone",
    )
    zone = models.CharField(_("A/B/C zone"), max_length=4, choices=AbcZone.choices)

    class Meta:
        verbose_name = _("A/B/C zone of a commune")
        verbose_name_plural = _("A/B/C zones of communes")

    def __str__(self):
        return f"{self.commune_id}: {self.get_zone_display()}"
