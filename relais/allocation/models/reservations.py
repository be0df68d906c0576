"""Allocation models — Reservations: the holders who designate candidates for a share of a
landlord's vacancies (DOMAIN.md §2, gestion en flux), their agreements, each ready vacancy's
assignment to a flow, and the holders' designations.

Holders are outside organisations (préfecture/DDETS, Action Logement, communes, EPCIs): a
``ReservationHolder`` row marks a ``core.Organisation`` as one, platform-wide, so its members
(role ``reservation_holder``) see the vacancies assigned to it by every landlord it has an
agreement with. Agreements, assignments and designations belong to the landlord
(``OrganisationOwned``); the holder reads them through ``reservations.access``.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned

from .applications import Application
from .vacancies import Vacancy

# The holder has this many days to designate, unless its agreement says otherwise (ADR 0047).
DEFAULT_DESIGNATION_DAYS = 30
# A holder designates up to three candidates per vacancy (DOMAIN.md §2: "usually 3").
MAX_DESIGNATIONS = 3


class HolderKind(models.TextChoices):
    STATE = "state", _("Préfecture (State quota)")
    ACTION_LOGEMENT = "action_logement", _("Action Logement")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI")


class ReservationHolder(models.Model):
    """An outside organisation that holds reservations (shared across landlords).

    ``dalo_deadline_months``: the time the State has to house a household recognised DALO,
    counted from the mediation commission's decision (article R441-16-1 CCH: three months;
    six months in overseas départements and in départements with an agglomeration of more than
    300,000 inhabitants). Only meaningful for the préfecture; 3 by default.
    """

    organisation = models.OneToOneField(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="reservation_holder",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HolderKind.choices)
    email = models.EmailField(
        _("e-mail for designation requests"),
        blank=True,
        help_text=_("Where requests and links go when the holder has no account."),
    )
    dalo_deadline_months = models.PositiveSmallIntegerField(
        _("months to house a DALO household"),
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(6)],
    )

    class Meta:
        verbose_name = _("reservation holder")
        verbose_name_plural = _("reservation holders")
        ordering = ["organisation__name"]

    def __str__(self):
        return self.organisation.name


class ReservationAgreement(OrganisationOwned):
    """A landlord's reservation agreement with one holder: ``share_percent`` of the yearly flow
    of vacancies (those that become ready), optionally limited to one département, a list of
    communes and typologies (``typology_mask``, bits of ``TYPOLOGY_BITS``; 0 = every typology),
    from ``starts_on`` to ``ends_on`` included."""

    holder = models.ForeignKey(
        ReservationHolder,
        verbose_name=_("reservation holder"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    reference = models.CharField(_("reference"), max_length=60)
    share_percent = models.PositiveSmallIntegerField(
        _("share of the yearly flow (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    departement = models.ForeignKey(
        "housing.Departement",
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    communes = models.ManyToManyField(
        "housing.Commune", verbose_name=_("communes"), blank=True, related_name="+"
    )
    typology_mask = models.PositiveSmallIntegerField(_("typologies"), default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    designation_days = models.PositiveSmallIntegerField(
        _("days to designate"),
        default=DEFAULT_DESIGNATION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reservation agreement")
        verbose_name_plural = _("reservation agreements")
        ordering = ["holder__organisation__name", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="agreement_dates_in_order"
            ),
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="agreement_reference_once"
            ),
        ]

    def __str__(self):
        return f"{self.reference} – {self.holder}"


class VacancyAssignment(OrganisationOwned):
    """Which flow a ready vacancy belongs to: an agreement's (its holder designates) or, with
    ``agreement`` empty, the landlord's own. One per vacancy; ``commune`` and ``typology`` are
    copied from the dwelling so the yearly counts read this table only."""

    vacancy = models.OneToOneField(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.CASCADE, related_name="assignment"
    )
    agreement = models.ForeignKey(
        ReservationAgreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    commune = models.ForeignKey(
        "housing.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    typology = models.CharField(_("typology"), max_length=2)
    assigned_on = models.DateField(_("assigned on"))
    rule_note = models.CharField(_("why this flow"), max_length=300, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    designation_due_on = models.DateField(_("designations due on"), null=True, blank=True)
    released_on = models.DateField(_("handed back to the landlord on"), null=True, blank=True)
    notified_at = models.DateTimeField(_("holder notified at"), null=True, blank=True)
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vacancy assignment")
        verbose_name_plural = _("vacancy assignments")
        ordering = ["-assigned_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "year", "agreement"], name="assignment_year"),
        ]

    def __str__(self):
        return f"{self.vacancy_id} → {self.agreement or '—'}"

    def designation_open(self, today: dt.date) -> bool:
        """The holder may still designate: a holder's flow, not handed back, before the end
        of the due day."""
        return (
            self.agreement_id is not None
            and self.released_on is None
            and (self.designation_due_on is None or today <= self.designation_due_on)
        )


class Designation(OrganisationOwned):
    """A candidate designated by the holder for a vacancy of its flow, ranked 1 to 3.

    ``application`` may have been registered by another landlord (the shared demand). A DALO
    household designated by the préfet carries ``dalo_decided_on``, the date of the mediation
    commission's decision; ``dalo_deadline`` adds the holder's ``dalo_deadline_months``
    (article R441-16-1 CCH).
    """

    assignment = models.ForeignKey(
        VacancyAssignment, on_delete=models.CASCADE, related_name="designations"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DESIGNATIONS)]
    )
    dalo_decided_on = models.DateField(_("date of the DALO decision"), null=True, blank=True)
    dalo_deadline = models.DateField(_("DALO housing deadline"), null=True, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    through_link = models.BooleanField(_("through the link"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["assignment", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "application"], name="designation_once"),
            models.UniqueConstraint(fields=["assignment", "rank"], name="designation_rank_once"),
        ]
        indexes = [
            models.Index(fields=["organisation", "dalo_deadline"], name="designation_dalo"),
        ]

    def __str__(self):
        return f"{self.assignment_id} #{self.rank}: {self.application_id}"
