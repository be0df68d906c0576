"""Allocation models — Scoring: the grids that score applications (shared reference data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Scoring -------------------------------------------------------------------------------------


class ScoringGrid(models.Model):
    """A versioned cotation grid of an EPCI (or the default grid when ``epci`` is empty).

    ``criteria`` is data: see ``relais.allocation.scoring`` for its keys.
    """

    name = models.CharField(_("name"), max_length=200)
    epci = models.ForeignKey(
        "housing.Epci",
        verbose_name=_("EPCI"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    criteria = models.JSONField(_("criteria"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scoring grid")
        verbose_name_plural = _("scoring grids")
        ordering = ["epci_id", "-valid_from"]

    def __str__(self):
        return f"{self.name} ({self.valid_from:%d/%m/%Y})"
