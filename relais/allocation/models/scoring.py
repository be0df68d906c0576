"""Allocation models — Scoring: the grids (shared reference data) and the scores per EPCI."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned

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


class ApplicationScore(OrganisationOwned):
    """An application's score on the grid of one EPCI it wishes (DOMAIN.md §2: "an applicant
    wishing two EPCIs has one score per EPCI").

    One row per EPCI the application wishes, through a wished commune of the EPCI or the EPCI
    itself; written set-based by ``scoring.services.score_applications`` with the grid in force
    for that EPCI (the default grid when the EPCI has none). The candidate search for a vacancy
    ranks on the rows of the vacancy's EPCI; ``first_applied_on`` is copied here so that the
    ranking order (score, then seniority) is one index (docs/decisions/0033).
    """

    application = models.ForeignKey(
        "allocation.Application", on_delete=models.CASCADE, related_name="epci_scores"
    )
    epci = models.ForeignKey(
        "housing.Epci", verbose_name=_("EPCI"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.IntegerField(_("score"))
    explanation = models.JSONField(_("score explanation"), default=list)
    scored_with = models.ForeignKey(
        ScoringGrid, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField()
    first_applied_on = models.DateField(_("date of first application"))

    class Meta:
        verbose_name = _("score in an EPCI")
        verbose_name_plural = _("scores in an EPCI")
        constraints = [
            models.UniqueConstraint(fields=["application", "epci"], name="application_score_once")
        ]
        indexes = [
            # The candidate search: one EPCI's applications in ranking order, whichever
            # landlord registered them (the shared pool, docs/decisions/0046).
            models.Index(
                fields=["epci", "-score", "first_applied_on", "application"],
                name="application_score_pool",
            ),
        ]

    def __str__(self):
        return f"{self.application_id} {self.epci_id}: {self.score}"
