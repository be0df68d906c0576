"""Allocation models — Applications: the request for social housing, its household and wishes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned, OrganisationQuerySet
from relais.housing.models import Channel, Typology

# Applications --------------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PROPOSED = "proposed", _("Proposed to a commission")
    ALLOCATED = "allocated", _("Allocated")
    CANCELLED = "cancelled", _("Cancelled")
    STRUCK_OFF = "struck_off", _("Struck off")


class StrikeOffReason(models.TextChoices):
    """Why an application was struck off the register (radiation, DOMAIN.md §2)."""

    NOT_RENEWED = "not_renewed", _("Not renewed within its year of validity")
    HOUSED = "housed", _("Housed: lease signed")


class ApplicationEventKind(models.TextChoices):
    """What happened to an application: its status changes only through these events."""

    REGISTERED = "registered", _("Registered")
    RENEWED = "renewed", _("Renewed")
    REMINDED = "reminded", _("Renewal reminder")
    PROPOSED = "proposed", _("Proposed to a commission")
    RELEASED = "released", _("Back to active")
    ALLOCATED = "allocated", _("Offer accepted: allocated")
    HOUSED = "housed", _("Lease signed")
    STRUCK_OFF = "struck_off", _("Struck off")
    CANCELLED = "cancelled", _("Cancelled")


class HousingSituation(models.TextChoices):
    SOCIAL_TENANT = "social_tenant", _("Social housing tenant")
    PRIVATE_TENANT = "private_tenant", _("Private tenant")
    HOSTED = "hosted", _("Hosted by family or friends")
    SHELTER = "shelter", _("Emergency or transitional accommodation")
    HOMELESS = "homeless", _("Homeless")
    UNFIT = "unfit", _("Unfit or non-decent housing")
    OWNER = "owner", _("Owner-occupier")
    OTHER = "other", _("Other")


class IncomeBasis(models.TextChoices):
    """Which income figure eligibility retained (``eligibility.household.retained_income``):
    N-2, or N-1 or the last 12 months when at least 10 % lower (article 3 of the arrêté of
    29 July 1987). The labels are the only way pages show it: never the code."""

    N2 = "n2", _("N-2")
    # xgettext:no-python-format
    N1 = "n1", _("N-1, at least 10 % lower")
    # xgettext:no-python-format
    LAST_12_MONTHS = "12m", _("last 12 months, at least 10 % lower")


class PriorityCriterion(models.TextChoices):
    """Priority publics of article L441-1 CCH, plus DALO designation."""

    DALO = "dalo", _("DALO designation")
    DISABILITY = "disability", _("Disabled person or household with a disabled member")
    BADLY_HOUSED = "badly_housed", _("Badly housed or disadvantaged")
    LEAVING_TRANSITIONAL = "leaving_transitional", _("Leaving transitional housing")
    RETURN_TO_WORK = "return_to_work", _("Returning to work after long unemployment")
    UNFIT_HOUSING = "unfit_housing", _("Living in unfit housing")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Victim of domestic violence")
    OVERCROWDING_WITH_CHILD = "overcrowding_child", _("Overcrowded with a minor child")
    NO_HOUSING = "no_housing", _("Without housing, including hosted by third parties")
    EVICTION_THREAT = "eviction", _("Threatened with eviction")


TYPOLOGY_BITS = {code: 1 << index for index, code in enumerate(Typology.values)}

registration_number_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}$",
    _("A registration number is made of letters, digits, spaces and . _ / -."),
)


def current_income_year() -> int:
    """The tax year a decision taken today needs: N-2 (DOMAIN.md §2)."""
    return timezone.localdate().year - 2


class ApplicationQuerySet(OrganisationQuerySet):
    def active(self):
        return self.filter(status=ApplicationStatus.ACTIVE)


class Application(OrganisationOwned):
    """A request for social housing (demande de logement social), with its numéro unique.

    One file per registration number across the platform (the national number is unique):
    ``organisation`` is the landlord that registered it (``registered_by``), the only one that
    writes it; every landlord with stock where it wishes to live may search, read and propose
    it (the shared demand pool, docs/decisions/0046). Its territory, the départements of its
    wishes, is stored in ``ApplicationTerritory``.
    """

    registration_number = models.CharField(
        _("registration number"), max_length=40, validators=[registration_number_validator]
    )
    first_applied_on = models.DateField(_("date of first application"))
    applicant_first_name = models.CharField(_("applicant's first name"), max_length=100)
    applicant_last_name = models.CharField(_("applicant's last name"), max_length=100)
    applicant_birth_date = models.DateField(_("applicant's birth date"))
    co_applicant_birth_date = models.DateField(
        _("co-applicant's birth date"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    # Household composition.
    persons = models.PositiveSmallIntegerField(
        _("persons"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    dependants = models.PositiveSmallIntegerField(_("dependants"), default=0)
    is_couple = models.BooleanField(_("couple"), default=False)
    # Consumption units (first-quartile indicator, vacancies/fairness.py): the first adult
    # counts 1, every other member aged 14 or more 0.5, every member under 14 0.3.
    members_under_14 = models.PositiveSmallIntegerField(_("members under 14"), default=0)
    # Rehoused under an urban-renewal operation (ANRU/NPNRU, ORCOD): counts towards the 25 %
    # of allocations outside QPV whatever the income (article L441-1 CCH).
    urban_renewal_rehousing = models.BooleanField(
        _("rehoused under an urban-renewal operation"), default=False
    )
    has_disabled_member = models.BooleanField(_("a member has a disability"), default=False)
    needs_accessible = models.BooleanField(
        _("needs a wheelchair-accessible dwelling"), default=False
    )
    # Income, in euros a year (revenu fiscal de référence N-2; N-1 or the last 12 months may be
    # used when at least 10 % lower).
    income_n2 = models.PositiveIntegerField(_("reference income N-2 (€)"))
    # The tax year of ``income_n2`` (N-1 is the year after): a decision needs the income of
    # its own year minus 2, else the file is "income to update" (eligibility/decisions.py).
    income_n2_year = models.PositiveSmallIntegerField(
        _("tax year of the N-2 income"),
        default=current_income_year,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    income_n1 = models.PositiveIntegerField(_("income N-1 (€)"), null=True, blank=True)
    income_last_12_months = models.PositiveIntegerField(
        _("income of the last 12 months (€)"), null=True, blank=True
    )
    reference_income = models.PositiveIntegerField(_("reference income retained (€)"))
    reference_income_basis = models.CharField(
        _("income retained"), max_length=12, choices=IncomeBasis.choices, default=IncomeBasis.N2
    )
    monthly_resources_cents = models.PositiveIntegerField(_("monthly resources (cents)"), default=0)
    # --- Added for scoring (effort-rate bands): unknown (None) earns no effort-rate points.
    current_housing_cost_cents = models.PositiveIntegerField(
        _("current monthly housing cost (cents)"),
        null=True,
        blank=True,
        help_text=_("Rent and charges of the current home, net of housing benefit."),
    )
    # --- End of the scoring addition.
    housing_situation = models.CharField(
        _("current housing situation"), max_length=20, choices=HousingSituation.choices
    )
    priority_criteria = models.JSONField(_("priority criteria"), default=list, blank=True)
    # The DALO designation: the date of the mediation commission's decision (L441-2-3 CCH),
    # which alone justifies proposing fewer than three candidates for a DALO household.
    dalo_decided_on = models.DateField(_("date of the DALO decision"), null=True, blank=True)
    # Wishes.
    wished_communes = models.ManyToManyField(
        "housing.Commune", verbose_name=_("wished communes"), blank=True, related_name="+"
    )
    wished_epcis = models.ManyToManyField(
        "housing.Epci", verbose_name=_("wished EPCIs"), blank=True, related_name="+"
    )
    typology_mask = models.PositiveSmallIntegerField(
        _("wished typologies"), default=0, help_text="bit i set = typology T(i+1) wished"
    )
    max_rent_cents = models.PositiveIntegerField(_("maximum rent (cents)"), null=True, blank=True)
    documents_received = models.JSONField(_("documents received"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.ACTIVE,
    )
    # The year of validity (DOMAIN.md §2): from the registration (``first_applied_on``) or the
    # last renewal; ``expires_on`` is derived by the services (``lifecycle.validity_end``) and
    # indexed for the daily reminders and strike-off. ``reminded_on``: the reminder of the
    # current year was sent (cleared by a renewal).
    renewed_on = models.DateField(_("last renewed on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    reminded_on = models.DateField(_("renewal reminder sent on"), null=True, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.LETTER,
        db_default=Channel.LETTER,  # rows written in bulk without it (demo, benches)
    )
    struck_off_on = models.DateField(_("struck off on"), null=True, blank=True)
    struck_off_reason = models.CharField(
        _("reason for striking off"),
        max_length=12,
        choices=StrikeOffReason.choices,
        blank=True,
        default="",
        db_default="",
    )
    # The lease that housed the applicant (signed on an accepted offer).
    lease = models.ForeignKey(
        "housing.Lease",
        verbose_name=_("lease"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Derived and stored so that eligibility and ranking are queries.
    household_category = models.PositiveSmallIntegerField(_("household category"), default=1)
    extra_persons = models.PositiveSmallIntegerField(_("extra persons"), default=0)
    score = models.IntegerField(_("score"), default=0)
    score_explanation = models.JSONField(_("score explanation"), default=list, blank=True)
    scored_with = models.ForeignKey(
        "allocation.ScoringGrid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Registration number, applicant's names, phone and e-mail, folded for search
    # (relais.core.search); set by ``derive``, trigram-indexed on PostgreSQL.
    search = models.TextField(default="", editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-score", "first_applied_on"]
        constraints = [
            # The numéro unique is national: one file per number on the whole platform.
            models.UniqueConstraint(
                fields=["registration_number"], name="application_registration_number_once"
            ),
            models.CheckConstraint(
                condition=Q(dependants__lt=models.F("persons")), name="application_dependants"
            ),
            # The first adult is 14 or more.
            models.CheckConstraint(
                condition=Q(members_under_14__lt=models.F("persons")),
                name="application_members_under_14",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "household_category", "-score"],
                name="application_ranking",
            ),
            # The daily reminders and strike-off (applications/lifecycle.py).
            models.Index(
                fields=["organisation", "status", "expires_on"], name="application_validity"
            ),
            # The application list: every status, best score first, a page at a time.
            models.Index(
                fields=["organisation", "-score", "first_applied_on", "id"],
                name="application_list",
            ),
        ]

    def __str__(self):
        return f"{self.registration_number} – {self.applicant_last_name}"

    @property
    def registered_by(self):
        """The landlord that registered the file and alone keeps it up to date (ADR 0046)."""
        return self.organisation

    @property
    def registered_by_id(self):
        return self.organisation_id

    @property
    def wished_typologies(self) -> list[str]:
        return [code for code, bit in TYPOLOGY_BITS.items() if self.typology_mask & bit]


class ApplicationTerritory(models.Model):
    """One département of an application's territory: those of its wished communes and of the
    communes of its wished EPCIs (denormalised, ADR 0046).

    Rewritten set-based by ``applications.pool.territory_write`` whenever wishes change (form,
    import, demo, migration); the shared pool of a landlord starts from the départements where
    it has stock, on the index ``(departement, application)``.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="territory",
        verbose_name=_("application"),
    )
    departement = models.ForeignKey(
        "housing.Departement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("département"),
    )

    class Meta:
        verbose_name = _("département of an application's territory")
        verbose_name_plural = _("départements of applications' territories")
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "application"], name="application_territory_once"
            )
        ]

    def __str__(self):
        return f"{self.application_id} {self.departement_id}"


class ApplicationEvent(OrganisationOwned):
    """One dated event of an application's life (the status history shown on its page).

    Written by the services that change the status (``applications.services``,
    ``applications.lifecycle``), in bulk by the daily run.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    kind = models.CharField(_("event"), max_length=12, choices=ApplicationEventKind.choices)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    status = models.CharField(_("status after"), max_length=10, choices=ApplicationStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["on", "created_at", "pk"]
        indexes = [models.Index(fields=["application", "on"], name="application_event_date")]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"


class RenewalReminder(OrganisationOwned):
    """The reminder, a month before ``expires_on``, that an application must be renewed.

    Sent by the applicant's preferred channel through ``lifecycle.reminders_deliver``: e-mails
    and text messages to a mobile go through the outbox at once; letters and calls wait for
    staff, who print or make them and record them as sent (``sent_at``). One per application
    and validity year.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("application"),
    )
    expires_on = models.DateField(_("valid until"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        ordering = ["expires_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expires_on"], name="renewal_reminder_once_a_year"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "sent_at", "expires_on"], name="reminder_to_send")
        ]

    def __str__(self):
        return f"{self.application} ({self.expires_on})"
