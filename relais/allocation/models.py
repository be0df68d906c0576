"""Allocation: applications, income ceilings, scoring grids, vacancies, commissions and votes.

Read ../shared/domain/DOMAIN.md §1–2 for the rules these models carry. Everything tenant-owned
inherits ``OrganisationOwned``; income ceilings and scoring grids are shared reference data.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.core.models import OrganisationOwned, OrganisationQuerySet
from relais.housing.models import Typology, Zone

# Applications --------------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PROPOSED = "proposed", _("Proposed to a commission")
    ALLOCATED = "allocated", _("Allocated")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class HousingSituation(models.TextChoices):
    SOCIAL_TENANT = "social_tenant", _("Social housing tenant")
    PRIVATE_TENANT = "private_tenant", _("Private tenant")
    HOSTED = "hosted", _("Hosted by family or friends")
    SHELTER = "shelter", _("Emergency or transitional accommodation")
    HOMELESS = "homeless", _("Homeless")
    UNFIT = "unfit", _("Unfit or non-decent housing")
    OWNER = "owner", _("Owner-occupier")
    OTHER = "other", _("Other")


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


class ApplicationQuerySet(OrganisationQuerySet):
    def active(self):
        return self.filter(status=ApplicationStatus.ACTIVE)


class Application(OrganisationOwned):
    """A request for social housing (demande de logement social), with its numéro unique."""

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
    has_disabled_member = models.BooleanField(_("a member has a disability"), default=False)
    needs_accessible = models.BooleanField(
        _("needs a wheelchair-accessible dwelling"), default=False
    )
    # Income, in euros a year (revenu fiscal de référence N-2; N-1 or the last 12 months may be
    # used when at least 10 % lower).
    income_n2 = models.PositiveIntegerField(_("reference income N-2 (€)"))
    income_n1 = models.PositiveIntegerField(_("income N-1 (€)"), null=True, blank=True)
    income_last_12_months = models.PositiveIntegerField(
        _("income of the last 12 months (€)"), null=True, blank=True
    )
    reference_income = models.PositiveIntegerField(_("reference income retained (€)"))
    reference_income_basis = models.CharField(_("income retained"), max_length=12, default="n2")
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

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-score", "first_applied_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "registration_number"],
                name="application_unique_registration_number",
            ),
            models.CheckConstraint(
                condition=Q(dependants__lt=models.F("persons")), name="application_dependants"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "household_category", "-score"],
                name="application_ranking",
            ),
            # Candidate search (vacancies helper, docs/decisions/0009): the organisation's
            # active applications in ranking order, with every column the filters read, so
            # the walk in score order never touches the table.
            models.Index(
                fields=[
                    "organisation",
                    "status",
                    "-score",
                    "first_applied_on",
                    "id",
                    "persons",
                    "typology_mask",
                    "max_rent_cents",
                    "needs_accessible",
                    "household_category",
                    "extra_persons",
                    "reference_income",
                ],
                name="application_candidates",
            ),
        ]

    def __str__(self):
        return f"{self.registration_number} – {self.applicant_last_name}"

    @property
    def wished_typologies(self) -> list[str]:
        return [code for code, bit in TYPOLOGY_BITS.items() if self.typology_mask & bit]


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


# Commissions ---------------------------------------------------------------------------------


class Commission(OrganisationOwned):
    """An allocation commission (CAL / CALEOL) of a landlord, for a territory."""

    name = models.CharField(_("name"), max_length=200)
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    communes = models.ManyToManyField(
        "housing.Commune", verbose_name=_("communes covered"), blank=True, related_name="+"
    )
    quorum_ratio = models.DecimalField(
        _("quorum (share of voting members)"),
        max_digits=3,
        decimal_places=2,
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    remote_duration_hours = models.PositiveSmallIntegerField(
        _("remote session length (hours)"), default=24
    )

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="commission_unique_name")
        ]

    def __str__(self):
        return self.name


class Seat(models.TextChoices):
    PRESIDENT = "president", _("President (landlord representative)")
    LANDLORD = "landlord", _("Landlord representative")
    TENANT = "tenant", _("Tenant representative")
    MAYOR = "mayor", _("Mayor or representative")
    PREFECT = "prefect", _("Préfet or representative")
    EPCI = "epci", _("EPCI president or representative")
    ADVISORY = "advisory", _("Advisory member (no vote)")


VOTING_SEATS = frozenset(Seat.values) - {Seat.ADVISORY}


class CommissionMember(OrganisationOwned):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_seats"
    )
    seat = models.CharField(_("seat"), max_length=10, choices=Seat.choices)
    commune = models.ForeignKey(
        "housing.Commune",
        verbose_name=_("commune (mayor)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The mayor has the casting vote for dwellings of this commune."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="commission_member_once"),
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(seat="president", is_active=True),
                name="commission_one_president",
            ),
            models.CheckConstraint(
                condition=~Q(seat="mayor") | Q(commune__isnull=False),
                name="commission_mayor_has_commune",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_seat_display()}"

    @property
    def votes(self) -> bool:
        return self.seat in VOTING_SEATS


class SessionKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    OPEN = "open", pgettext_lazy("session status", "Open")
    CLOSED = "closed", pgettext_lazy("session status", "Closed")
    SEALED = "sealed", _("Minutes sealed")


class Session(OrganisationOwned):
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=10, choices=SessionKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    quorum_ratio = models.DecimalField(_("quorum"), max_digits=3, decimal_places=2)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes_pdf = models.BinaryField(_("minutes (PDF)"), null=True, blank=True)
    minutes_sha256 = models.CharField(_("minutes SHA-256"), max_length=64, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="session_closes_after_open"
            )
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="session_due")]

    def __str__(self):
        return f"{self.commission.name} – {self.opens_at:%d/%m/%Y}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DECIDED = "decided", _("Decided")
    POSTPONED = "postponed", _("Postponed (no quorum or tie)")
    SENT_BACK = "sent_back", _("Sent back to an in-person session")


class FewCandidatesReason(models.TextChoices):
    TOO_FEW = "too_few", _("Too few candidates")
    DALO = "dalo", _("Candidate designated by the préfet (DALO)")


class AgendaItem(OrganisationOwned):
    """One vacancy on a session's agenda, with its candidates."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    few_candidates_reason = models.CharField(
        _("exception to the three candidates rule"),
        max_length=10,
        choices=FewCandidatesReason.choices,
        blank=True,
    )
    participants = models.PositiveSmallIntegerField(_("voting participants"), default=0)
    voting_members = models.PositiveSmallIntegerField(_("voting members"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "vacancy"], name="agenda_item_once")
        ]

    def __str__(self):
        return f"{self.session} #{self.position}"


class DecisionType(models.TextChoices):
    """Decision types of article R441-3 CCH."""

    ATTRIBUTION = "attribution", _("Attribution")
    RANKED = "ranked", _("Attribution with ranking")
    CONDITIONAL = "conditional", _("Attribution under suspensive condition")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    INADMISSIBLE = "inadmissible", _("Inadmissible")


class Candidate(OrganisationOwned):
    """An application proposed on an agenda item, and the commission's decision on it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="candidates")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="candidacies"
    )
    proposed_rank = models.PositiveSmallIntegerField(_("proposed rank"))
    score_at_proposal = models.IntegerField(_("score when proposed"), default=0)
    decision = models.CharField(
        _("decision"), max_length=16, choices=DecisionType.choices, blank=True
    )
    decided_rank = models.PositiveSmallIntegerField(_("rank decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    missing_document = models.CharField(_("missing document"), max_length=200, blank=True)
    document_deadline = models.DateField(_("document deadline"), null=True, blank=True)
    tally = models.JSONField(_("tally"), default=dict, blank=True)
    # Estimated once, in one batch, when the candidate is put on the agenda (openfisca runs
    # then, not on every page view); None: not estimated.
    housing_benefit_cents = models.PositiveIntegerField(
        _("estimated housing benefit (cents)"), null=True, blank=True
    )
    effort_rate = models.DecimalField(
        _("effort rate"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    remaining_income_cents = models.IntegerField(
        _("remaining income (cents a month)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["item", "proposed_rank"]
        constraints = [
            models.UniqueConstraint(fields=["item", "application"], name="candidate_once"),
            models.UniqueConstraint(fields=["item", "proposed_rank"], name="candidate_rank_once"),
        ]

    def __str__(self):
        return f"{self.application} ({self.proposed_rank})"


class PositionChoice(models.TextChoices):
    ATTRIBUTION = "attribution", _("Attribution")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    INADMISSIBLE = "inadmissible", _("Inadmissible")


class Position(OrganisationOwned):
    """A voting member's position on a candidate during a session (one row, updated in place
    until the close; the unique constraint makes a double submit harmless)."""

    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="positions")
    choice = models.CharField(_("position"), max_length=16, choices=PositionChoice.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["member", "candidate"], name="position_once"),
            models.CheckConstraint(
                condition=Q(choice="attribution", rank__isnull=False)
                | (~Q(choice="attribution") & ~Q(reason="")),
                name="position_rank_or_reason",
            ),
        ]

    def __str__(self):
        return f"{self.member_id} → {self.candidate_id}: {self.choice}"


class DeclarationKind(models.TextChoices):
    CONFLICT = "conflict", _("Conflict of interest (does not vote)")
    SEND_BACK = "send_back", _("Send back to an in-person session")


class ItemDeclaration(OrganisationOwned):
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    kind = models.CharField(_("declaration"), max_length=10, choices=DeclarationKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "item", "kind"], name="declaration_once")
        ]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.item_id}"


# Letters and offers --------------------------------------------------------------------------


class LetterKind(models.TextChoices):
    OFFER = "offer", _("Offer of a dwelling")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    CONDITIONAL = "conditional", _("Conditional decision")
    INADMISSIBLE = "inadmissible", _("Inadmissibility")


class OfferAnswer(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("No answer within 10 days")


class Letter(OrganisationOwned):
    """A letter (PDF) to an applicant after a session; offers carry the 10-day answer."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind.choices)
    pdf = models.BinaryField(_("PDF"))
    sent_at = models.DateTimeField(_("sent at"))
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=OfferAnswer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind"], name="letter_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.candidate}"
