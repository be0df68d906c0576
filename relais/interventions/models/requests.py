"""Interventions models — a tenant's request, its photos, its status history, the tracking
numbers and the reports of deferred backlogs released at the restart.

A request (demande d'intervention) comes from the public form (``source=web``) or from a
phone call logged by staff (``source=phone``). Its tracking number is readable over the phone
(``DI-2026-000042``, unique per organisation); its ``status_token`` is the unguessable part of
the status page's address given to the tenant (ADR 0035).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned

from .categories import PRIORITY_RANK, Priority


def new_status_token() -> str:
    """32 random bytes, URL-safe (43 characters): the tenant's key to the status page."""
    return secrets.token_urlsafe(32)


class RequestSource(models.TextChoices):
    WEB = "web", _("Online form")
    PHONE = "phone", _("Phone call")
    # A caretaker's remark on a round step (relais.proximity): a building's common areas, no
    # household; the remark keeps the link to its step (``StepRemark.request``).
    ROUND = "round", _("Caretaker's round")


class RequestStatus(models.TextChoices):
    """Where a request stands. ``deferred``: accepted but held while the crisis switch "urgent
    interventions only" is on and its category is not whitelisted; it returns to ``new`` (to
    triage) when the switch goes off."""

    NEW = "new", _("Received, to be triaged")
    DEFERRED = "deferred", _("Deferred until activity restarts")
    TRIAGED = "triaged", _("Triaged, contractor to be found")
    DISPATCHED = "dispatched", _("Sent to a contractor")
    SCHEDULED = "scheduled", _("Visit scheduled")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed without works")


# Statuses of requests still waiting for something to happen.
OPEN_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.DEFERRED,
    RequestStatus.TRIAGED,
    RequestStatus.DISPATCHED,
    RequestStatus.SCHEDULED,
)


class RequestNumberSequence(OrganisationOwned):
    """The last tracking number given per organisation and year, locked while incremented so two
    requests at once never get the same number."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="request_number_sequence_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.year}: {self.last}"


class InterventionRequestQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class InterventionRequest(OrganisationOwned):
    """A problem reported by a tenant (or for them, by staff on the phone), or by a caretaker
    in a building's common areas (``source=round``).

    ``household``, ``lease`` and ``dwelling`` are those found when the tenant identified
    (lease reference + postcode or phone on file) or picked by staff. A common-area request has
    no household (nobody to tell of its status) but a ``building``: one of the two is always
    set (constraint ``request_household_or_building``). ``reported_at`` is the
    tenant's first report, from which the response time is measured (issue 8 §3).
    ``vulnerable_present`` is health data: shown only with ``intervention.view_sensitive``,
    each reading audited.
    """

    tracking_number = models.CharField(_("tracking number"), max_length=20)
    status_token = models.CharField(max_length=64, unique=True, default=new_status_token)
    household = models.ForeignKey(
        "housing.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_requests",
    )
    # The building whose common areas the request is about (no household); indexed by the
    # foreign key's own index.
    building = models.ForeignKey(
        "housing.Building",
        verbose_name=_("building (common areas)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_requests",
    )
    lease = models.ForeignKey(
        "housing.Lease",
        verbose_name=_("lease"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    dwelling = models.ForeignKey(
        "housing.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_requests",
    )
    category = models.ForeignKey(
        "interventions.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    description = models.TextField(_("description of the problem"), max_length=4000)
    availability = models.CharField(_("availability"), max_length=500, blank=True)
    vulnerable_present = models.BooleanField(
        _("someone ill or vulnerable in the home"), default=False
    )
    contact_phone = models.CharField(_("phone to reach the tenant"), max_length=30, blank=True)
    callback_requested = models.BooleanField(_("asks to be called back"), default=False)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RequestSource.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    # The triage order of ``priority`` (0 safety … 3 planned), computed and stored by the
    # database: the triage list sorts on an indexed column instead of a CASE (ADR 0037).
    priority_rank = models.GeneratedField(
        expression=Case(
            *(When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()),
            default=Value(len(PRIORITY_RANK)),
        ),
        output_field=IntegerField(),
        db_persist=True,
    )
    reported_at = models.DateTimeField(_("reported at"))
    # When the request was held for the restart (status ``deferred``) and when it returned to
    # triage; both kept afterwards, so the dashboard can tell how long the backlog waited.
    # "Is it deferred?" is the status itself, not a second flag that could disagree.
    deferred_at = models.DateTimeField(_("deferred at"), null=True, blank=True)
    released_at = models.DateTimeField(_("returned to triage at"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A random value carried by the form that created the request: a double-submitted form
    # finds its request instead of creating a second one.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterventionRequestQuerySet.as_manager()

    SENSITIVE_FIELDS = ("vulnerable_present",)

    class Meta:
        verbose_name = _("intervention request")
        verbose_name_plural = _("intervention requests")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tracking_number"], name="request_unique_tracking_number"
            ),
            models.UniqueConstraint(
                fields=["organisation", "submission_key"],
                condition=~Q(submission_key=""),
                name="request_unique_submission_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="deferred") | Q(deferred_at__isnull=False),
                name="request_deferred_dated",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(building__isnull=False),
                name="request_household_or_building",
            ),
        ]
        indexes = [
            # The triage list: a status, the most pressing first, then the oldest (its page
            # read in index order, no sort).
            models.Index(
                fields=["organisation", "status", "priority_rank", "reported_at", "id"],
                name="request_triage_order",
            ),
            # The dashboard's open safety and urgent requests.
            models.Index(fields=["organisation", "status", "priority", "reported_at", "id"]),
            models.Index(fields=["organisation", "-reported_at", "-id"]),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_common_area(self) -> bool:
        """About a building's common areas: no household to tell of its status."""
        return self.household_id is None


class RequestEvent(OrganisationOwned):
    """One step of a request's history, shown to staff and (status changes only, without the
    staff note) on the tenant's status page."""

    request = models.ForeignKey(
        InterventionRequest, on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices)
    note = models.TextField(_("note for staff"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self):
        return f"{self.request_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


def request_photo_path(instance, filename: str) -> str:
    # Not under a public URL: photos are served by a view that checks the organisation.
    return f"interventions/{instance.organisation_id}/requests/{secrets.token_hex(16)}.jpg"


class RequestPhoto(OrganisationOwned):
    """A photo sent with a request, re-encoded as JPEG on upload (metadata such as the GPS
    position stripped; ``relais.interventions.requests.photos``)."""

    request = models.ForeignKey(
        InterventionRequest, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=request_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request photo")
        verbose_name_plural = _("request photos")
        ordering = ["id"]

    def __str__(self):
        return self.original_name or self.image.name


class BacklogRelease(OrganisationOwned):
    """What returned to triage when the switch "urgent interventions only" went off: how many
    deferred requests and how long they had waited (issue 8 §2), for the triage page."""

    released_at = models.DateTimeField(_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    count = models.PositiveIntegerField(_("requests returned to triage"))
    oldest_deferred_at = models.DateTimeField(_("oldest deferred at"), null=True)
    # Mean and longest wait in hours, rounded: the age of the backlog at the release.
    mean_wait_hours = models.PositiveIntegerField(_("mean wait (hours)"), default=0)
    max_wait_hours = models.PositiveIntegerField(_("longest wait (hours)"), default=0)

    class Meta:
        verbose_name = _("deferred backlog release")
        verbose_name_plural = _("deferred backlog releases")
        ordering = ["-released_at", "-id"]

    def __str__(self):
        return f"{self.organisation_id} {self.released_at:%Y-%m-%d}: {self.count}"
