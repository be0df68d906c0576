"""Allocation models — commissions and their members, sessions, agenda items, candidates,
positions and declarations.

Read ../shared/domain/DOMAIN.md §1–2 for the rules these models carry.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.core.models import OrganisationOwned

from .applications import Application
from .vacancies import Vacancy

# Commissions ---------------------------------------------------------------------------------


class Commission(OrganisationOwned):
    """An allocation commission (CAL / CALEOL) of a landlord, for a territory."""

    name = models.CharField(_("name"), max_length=200)
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    communes = models.ManyToManyField(
        "housing.Commune", verbose_name=_("communes covered"), blank=True, related_name="+"
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


class DecisionRule(models.TextChoices):
    """How a position wins on a candidate (the commission's internal rules)."""

    PLURALITY = "plurality", _("Relative plurality (the position with the most votes)")
    MAJORITY = "majority", _("Majority of the votes cast (more than half)")


class CastingVote(models.TextChoices):
    """Who settles a tie (R441-9 CCH: the mayor of the dwelling's commune; the EPCI president
    where the intercommunal housing conference and the demand-management plan give it)."""

    MAYOR = "mayor", _("The mayor of the dwelling's commune")
    EPCI = "epci", _("The president of the dwelling's EPCI")


class CommissionRules(OrganisationOwned):
    """A commission's internal rules (règlement intérieur), as far as the vote applies them.

    Copied onto each session when it opens (``Session.quorum_ratio``, ``decision_rule``,
    ``casting_vote``): a change applies to the sessions opened afterwards.
    """

    commission = models.OneToOneField(Commission, on_delete=models.CASCADE, related_name="rules")
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    remote_sessions_allowed = models.BooleanField(
        _("remote sessions allowed"),
        default=False,
        help_text=_(
            "Since the 3DS law (2022) a commission may deliberate remotely only if its internal "
            "rules provide for it."
        ),
    )
    quorum_ratio = models.DecimalField(
        _("quorum (share of voting members)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=10,
        choices=DecisionRule.choices,
        default=DecisionRule.PLURALITY,
    )
    casting_vote = models.CharField(
        _("casting vote"), max_length=10, choices=CastingVote.choices, default=CastingVote.MAYOR
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("internal rules")
        verbose_name_plural = _("internal rules")

    def __str__(self):
        return f"{self.commission_id} rules"


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
        help_text=_("The mayor votes on the dwellings of this commune only."),
    )
    epci = models.ForeignKey(
        "housing.Epci",
        verbose_name=_("EPCI (EPCI president)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The EPCI president votes on the dwellings of this EPCI only."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The seat gave the person their membership of the organisation (they had none active):
    # removing the seat ends it, unless another seat of the organisation still needs it.
    membership_created = models.BooleanField(default=False)

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


class CommissionInvitation(OrganisationOwned):
    """A seat offered to someone, who accepts it (then becomes a ``CommissionMember``) or not.

    ``email``, ``first_name`` and ``last_name`` are what the inviter typed, the only names the
    commission's pages show until the person accepts; ``user`` is the account with that e-mail
    (created without a password when there was none), never shown to the inviter.
    """

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commission_invitations"
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    seat = models.CharField(_("seat"), max_length=10, choices=Seat.choices)
    commune = models.ForeignKey(
        "housing.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    epci = models.ForeignKey(
        "housing.Epci", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)  # None while pending

    class Meta:
        verbose_name = _("commission invitation")
        verbose_name_plural = _("commission invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "user"],
                condition=Q(answered_at__isnull=True),
                name="commission_invitation_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} – {self.get_seat_display()}"


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
    # The internal rules in force when the session opened (copied then, see CommissionRules).
    quorum_ratio = models.DecimalField(_("quorum"), max_digits=3, decimal_places=2)
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=10,
        choices=DecisionRule.choices,
        default=DecisionRule.PLURALITY,
    )
    casting_vote = models.CharField(
        _("casting vote"), max_length=10, choices=CastingVote.choices, default=CastingVote.MAYOR
    )
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
    # Why fewer than three: the DALO designation (with its decision date), or what the
    # candidate search found at that moment; printed in the minutes.
    few_candidates_justification = models.TextField(_("justification of the exception"), blank=True)
    # The item's electorate, fixed when the session opens: the ids of the voting members whose
    # seat covers the dwelling (commissions/electorate.py). Its size is the quorum base;
    # members seated later may vote but do not change it. None until the session opens.
    electorate = models.JSONField(_("electorate"), null=True, blank=True)
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
    # A conditional attribution: the day staff recorded the missing document(s) (the offer
    # leaves then), or the day the deadline passed without them (the attribution lapsed).
    condition_met_on = models.DateField(_("document received on"), null=True, blank=True)
    condition_lapsed_on = models.DateField(_("condition lapsed on"), null=True, blank=True)
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


class ItemRemark(OrganisationOwned):
    """A remark written by a member on an item during a remote session: the written exchange
    the remote deliberation requires (ordonnance 2014-1329), visible to the item's other
    members and attached to the minutes. Never a position: positions stay secret."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="remarks")
    member = models.ForeignKey(CommissionMember, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("remark"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        ordering = ["item", "created_at", "pk"]

    def __str__(self):
        return f"{self.member_id} on {self.item_id}"
