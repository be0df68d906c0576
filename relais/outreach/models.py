"""The vulnerable tenants register, call campaigns and the day's call lists, needs, and
referrals to social-services partners (issue 10, ADR 0039).

Shapes: dates are Europe/Paris days, times aware datetimes; ``cadence_days`` in days;
``retention_days`` in days after a campaign's close. Health notes and consent are sensitive
(``outreach.view_health``; every opening audited).
"""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned


class PartnerKind(models.TextChoices):
    CCAS = "ccas", _("CCAS (municipal social services)")
    OTHER = "other", _("Other social-services body")


class Partner(OrganisationOwned):
    """A social-services body that receives referrals: a CCAS per commune, or another body."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=PartnerKind.choices)
    commune = models.ForeignKey(
        "housing.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    email = models.EmailField(_("e-mail for referrals"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("social-services partner")
        verbose_name_plural = _("social-services partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name")
        ]

    def __str__(self):
        return self.name


class PartnerUser(OrganisationOwned):
    """Links a ``social_partner`` membership to the one body whose referrals it sees."""

    membership = models.OneToOneField(
        "core.Membership", on_delete=models.CASCADE, related_name="outreach_partner"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="users")

    class Meta:
        verbose_name = _("partner's user")
        verbose_name_plural = _("partner's users")


class EntrySource(models.TextChoices):
    OCCUPANT_DATA = "occupant_data", _("Occupants' data (age, disability)")
    STAFF = "staff", _("Signal by staff")
    CARETAKER = "caretaker", _("Signal by a caretaker")
    RELATIVE = "relative", _("Signal by a relative")


class ConsentBy(models.TextChoices):
    PERSON = "person", _("The person themself")
    THIRD_PARTY = "third_party", _("A third party (relative, guardian, doctor)")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("On the register")
    LEFT = "left", _("Left the register")


class RegisterEntry(OrganisationOwned):
    """A person on the register, with the consent it rests on (who, when, third party)."""

    occupant = models.ForeignKey(
        "housing.Occupant", on_delete=models.CASCADE, related_name="outreach_entries"
    )
    household = models.ForeignKey("housing.Household", on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey(
        "housing.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commune = models.ForeignKey(
        "housing.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE
    )
    source = models.CharField(_("source"), max_length=20, choices=EntrySource.choices)
    unfit_for_work = models.BooleanField(_("recognised unfit for work"), default=False)
    consent_by = models.CharField(_("consent given by"), max_length=12, choices=ConsentBy.choices)
    third_party_name = models.CharField(_("third party's name"), max_length=200, blank=True)
    third_party_relation = models.CharField(_("third party's relation"), max_length=100, blank=True)
    consent_on = models.DateField(_("consent recorded on"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    other_phone = models.CharField(_("other phone (relative)"), max_length=30, blank=True)
    health_note = models.TextField(
        _("health note"), blank=True, help_text=_("The minimum useful to the caller.")
    )
    entered_at = models.DateTimeField(_("entered on"), auto_now_add=True)
    left_at = models.DateTimeField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [
            models.UniqueConstraint(
                fields=["occupant"],
                condition=Q(status="active"),
                name="register_one_active_entry_per_occupant",
            ),
            models.CheckConstraint(
                condition=Q(consent_by="person") | ~Q(third_party_name=""),
                name="register_third_party_named",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return str(self.occupant)


class CampaignKind(models.TextChoices):
    LOCKDOWN = "lockdown", _("Lockdown")
    HEATWAVE = "heatwave", _("Heat-wave alert")
    COLD = "cold", _("Cold spell")
    OTHER = "other", _("Other")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Ready to start")
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Closed")
    PURGED = "purged", _("Closed, personal data purged")


class Campaign(OrganisationOwned):
    """Calls at a cadence to the register (or a segment of it) between two dates."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    cadence_days = models.PositiveSmallIntegerField(_("call every (days)"))
    script = models.TextField(_("call script"))
    scope_building = models.ForeignKey(
        "housing.Building",
        verbose_name=_("only this building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_commune = models.ForeignKey(
        "housing.Commune",
        verbose_name=_("only this commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_min_age = models.PositiveSmallIntegerField(_("aged at least"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    start_with_switch = models.BooleanField(
        _("start with the “outreach campaigns active” switch"), default=False
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep the personal data for (days after the close)"), default=90
    )
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # After the purge: anonymous counts only {"people": n, "calls": n, "needs": n, ...}.
    counts = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("call campaign")
        verbose_name_plural = _("call campaigns")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1) & Q(cadence_days__lte=60),
                name="campaign_cadence_range",
            )
        ]

    def __str__(self):
        return self.name


class Escalation(models.TextChoices):
    NONE = "", _("None")
    VISIT = "visit", _("Caretaker's visit")
    REFERRED = "referred", _("Referred to social services")


class FollowState(models.TextChoices):
    FOLLOWED = "followed", _("Followed")
    PAUSED = "paused", _("In hospital")
    STOPPED = "stopped", _("No longer called")


class FollowIdsField(models.Field):
    """``[follow id, …]`` stored as JSON text: PostgreSQL's ``json`` (checked, then kept as
    written; ``jsonb`` converts every number, which doubled the cost of writing the day's
    list in ``bench/outreach.py``), SQLite's text (read by its JSON functions)."""

    description = "A list of ids, as JSON"

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        # psycopg decodes ``json`` itself; SQLite gives the text.
        return value if value is None or isinstance(value, list) else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        if value is None:
            return None
        return json.dumps([int(pk) for pk in value], separators=(",", ":"))


class Follow(OrganisationOwned):
    """One person followed by one campaign: when they are due, by whom, how it goes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="follows")
    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="follows")
    caller = models.ForeignKey(
        "core.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_due_on = models.DateField()
    state = models.CharField(
        max_length=10, choices=FollowState.choices, default=FollowState.FOLLOWED
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    escalation = models.CharField(max_length=10, choices=Escalation.choices, default="", blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    last_reached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "entry"], name="follow_once_per_campaign")
        ]
        indexes = [
            models.Index(fields=["campaign", "state", "next_due_on"]),
            # The day's list reads the follows due in this order with their person, from
            # the index alone (``calllist``): no sort of the 13,000 rows of
            # ``bench/outreach.py``, no heap read.
            models.Index(
                fields=[
                    "organisation",
                    "state",
                    "next_due_on",
                    "id",
                    "campaign",
                    "caller",
                    "entry",
                ],
                name="follow_due_order_person",
            ),
        ]


class CallSheet(OrganisationOwned):
    """A caller's call list of one day: ``follows`` = ``[follow id, …]`` in the order they are
    to be called (ADR 0050). One row per caller and day, however many people it holds; the
    per-person state of the day is not stored here but read from what a call writes: the
    follow (due date, state, failures in a row) and the day's calls (attempts, the retry
    time after a "no answer"; ``selectors.my_list_rows``). A person is on at most one sheet
    a day: ``calllist.build`` appends only people on no sheet of the day, one build at a
    time per organisation (a PostgreSQL advisory lock; SQLite's ``BEGIN IMMEDIATE``)."""

    caller = models.ForeignKey(
        "core.Membership", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField()
    follows = FollowIdsField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "day"], name="call_sheet_once_a_day")
        ]
        indexes = [models.Index(fields=["organisation", "day"], name="call_sheet_org_day")]


class Outcome(models.TextChoices):
    FINE = "fine", _("Reached and fine")
    NEEDS = "needs", _("Reached, with needs")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused the call")
    HOSPITAL = "hospital", _("In hospital")
    DECEASED = "deceased", _("Deceased")


FAILED_OUTCOMES = (Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)
# The outcomes known without a call (from a relative, the hospital, the caretaker): the only
# ones recorded for a person with no phone number on file.
NO_PHONE_OUTCOMES = (Outcome.HOSPITAL, Outcome.DECEASED)


class Call(OrganisationOwned):
    """One call attempt and its outcome; a person's calls of the day give their state on the
    day's list (attempts, the retry time after a "no answer")."""

    follow = models.ForeignKey(
        Follow, on_delete=models.CASCADE, related_name="calls", db_index=False
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    caller = models.ForeignKey(
        "core.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField()
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-called_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow", "key"], condition=~Q(key=""), name="call_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "called_at"]),
            # A person's calls of a day (the caller's list: attempts, retry time).
            models.Index(fields=["follow", "called_at"], name="call_follow_day"),
        ]


class NeedKind(models.TextChoices):
    GROCERIES = "groceries", _("Groceries")
    MEDICINE = "medicine", _("Medicine")
    MEDICAL = "medical", _("Medical care")
    ISOLATION = "isolation", _("Isolation")
    ADMINISTRATIVE = "administrative", _("Administrative help")
    OTHER = "other", _("Other")


class NeedCloseReason(models.TextChoices):
    """Why a need was closed: met, or the follow-up of the person ended (the need is then
    no one's work: it leaves the open needs and the director's counts)."""

    MET = "met", _("Met")
    DECEASED = "deceased", _("Closed: end of the follow-up (death)")
    LEFT = "left", _("Closed: end of the follow-up (left the register)")


class Need(OrganisationOwned):
    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="needs")
    call = models.ForeignKey(Call, null=True, on_delete=models.SET_NULL, related_name="needs")
    kind = models.CharField(_("need"), max_length=15, choices=NeedKind.choices)
    note = models.CharField(_("detail"), max_length=300, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_reason = models.CharField(
        _("reason for closing"),
        max_length=10,
        choices=NeedCloseReason.choices,
        blank=True,
        db_default="",  # rows written by raw inserts (the demo, the bench): open
    )

    class Meta:
        ordering = ["opened_at", "pk"]
        indexes = [models.Index(fields=["organisation", "closed_at"])]


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("New, awaiting the partner")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class Referral(OrganisationOwned):
    """A case sent to a partner: the minimum needed and the consent it rests on (copied when
    sent, so the partner never reads the register). ``link_token_hash``: SHA-256 of the link
    given to a partner without an account."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    person_name = models.CharField(_("person"), max_length=200)
    address = models.CharField(_("address"), max_length=400)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    needs = models.CharField(_("needs"), max_length=300)
    summary = models.TextField(_("what the partner needs to know"), blank=True)
    consent = models.CharField(_("consent"), max_length=300)
    reason = models.CharField(
        _("reason"),
        max_length=20,
        choices=[("needs", _("Needs")), ("escalation", _("Unreachable"))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(_("partner's feedback"), blank=True)
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "partner", "status"])]

    def __str__(self):
        return self.person_name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class RotaSlot(OrganisationOwned):
    """The weekly rota: an outreach caller on duty every ``weekday`` (0 Monday … 6 Sunday).

    While an organisation has no slot at all, every active caller is on duty every day; once
    it has one, only the callers with a slot on the day are (``calllist.callers_on_duty``,
    which also leaves out the callers absent that day in continuity's staff availability)."""

    caller = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("rota slot")
        verbose_name_plural = _("rota slots")
        constraints = [
            models.UniqueConstraint(fields=["caller", "weekday"], name="rota_slot_once_a_day"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="rota_slot_weekday_range"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "weekday"])]
