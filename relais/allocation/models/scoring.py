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


# Candidate ranking ---------------------------------------------------------------------------

# The columns of ``Application`` the candidate search filters on, copied onto ``RankedWish``.
RANKED_FACTS = (
    "persons",
    "is_couple",
    "typology_mask",
    "max_rent_cents",
    "needs_accessible",
    "household_category",
    "extra_persons",
    "reference_income",
    "income_n2_year",
)


def _ranking_index(place: str, name: str) -> models.Index:
    """One place's applications in ranking order, every filtered column in the key: the
    search walks it and stops at its LIMIT without reading a table row (an index-only scan on
    PostgreSQL, a covering index on SQLite). Partial: a row is of a commune or of an EPCI."""
    return models.Index(
        fields=[place, "-score", "first_applied_on", "application", *RANKED_FACTS],
        name=name,
        condition=models.Q(**{f"{place}__isnull": False}),
    )


class RankedWish(models.Model):
    """An active application in the candidate ranking of one place it wishes: a commune (then
    ``epci`` is empty) or an EPCI as a whole (then ``commune`` is empty). Denormalised, ADR 0051.

    ``score`` / ``first_applied_on`` are what the search ranks on there: the application's score
    in the commune's EPCI (``ApplicationScore``, ADR 0033), or in the wished EPCI; in a commune
    without an EPCI, its main score (``Application.score``). The other columns are copies of the
    application's (``RANKED_FACTS``). Only ``active`` applications have rows. Rewritten
    set-based by ``scoring.ranking.ranking_write`` from every write of applications, wishes,
    statuses and scores (services, scoring, import, lifecycle, letting, demo, migration).
    """

    application = models.ForeignKey(
        "allocation.Application", on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey(
        "housing.Commune",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # led by ``ranked_wish_commune``
    )
    epci = models.ForeignKey(
        "housing.Epci",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # led by ``ranked_wish_epci``
    )
    score = models.IntegerField()
    first_applied_on = models.DateField()
    persons = models.PositiveSmallIntegerField()
    is_couple = models.BooleanField()
    typology_mask = models.PositiveSmallIntegerField()
    max_rent_cents = models.PositiveIntegerField(null=True)
    needs_accessible = models.BooleanField()
    household_category = models.PositiveSmallIntegerField()
    extra_persons = models.PositiveSmallIntegerField()
    reference_income = models.PositiveIntegerField()
    income_n2_year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("ranked wish")
        verbose_name_plural = _("ranked wishes")
        indexes = [
            _ranking_index("commune", "ranked_wish_commune"),
            _ranking_index("epci", "ranked_wish_epci"),
        ]

    def __str__(self):
        return f"{self.application_id} {self.commune_id or self.epci_id}: {self.score}"
