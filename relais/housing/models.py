"""Housing stock (patrimoine) and the people who live in it.

Reference places (Region, Departement, Epci, Commune) are shared by every organisation; all
other models are tenant-owned (``OrganisationOwned``).
"""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from relais.core.models import OrganisationOwned, OrganisationQuerySet
from relais.core.search import compact

reference_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    _("Use letters, digits and . _ / - only."),
)


class Region(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField(max_length=9, primary_key=True)  # SIREN
    name = models.CharField(max_length=200)
    nature = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCIs")

    def __str__(self):
        return self.name


class Zone(models.TextChoices):
    """Geographical zone of the HLM income ceilings (arrêté of 29 July 1987)."""

    PARIS_ADJOINING = "paris_limitrophes", _("Paris and adjoining communes")
    ILE_DE_FRANCE = "ile_de_france", _("Rest of Île-de-France")
    OTHER = "autres_regions", _("Other regions")


class Commune(models.Model):
    code = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    postcodes = models.CharField(max_length=200, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    zone = models.CharField(_("zone"), max_length=20, choices=Zone.choices)
    # The name folded for the pickers ("saint avertin" finds Saint-Avertin): see housing.search.
    search_name = models.CharField(max_length=200, default="", editable=False, db_index=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = compact(self.name)
        super().save(*args, **kwargs)


class Financing(models.TextChoices):
    PLAI = "PLAI", "PLAI"
    PLUS = "PLUS", "PLUS"
    PLS = "PLS", "PLS"
    PLI = "PLI", "PLI"


class Typology(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6"


class Residence(OrganisationOwned):
    reference = models.CharField(_("reference"), max_length=30, validators=[reference_validator])
    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residences",
    )
    construction_year = models.PositiveSmallIntegerField(
        _("construction year"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="residence_unique_reference"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.reference})"

    def get_absolute_url(self):
        return reverse("housing:residence_detail", args=[self.pk])


class Building(OrganisationOwned):
    residence = models.ForeignKey(
        Residence, verbose_name=_("residence"), on_delete=models.PROTECT, related_name="buildings"
    )
    reference = models.CharField(_("reference"), max_length=30, validators=[reference_validator])
    address = models.CharField(_("address"), max_length=300)
    postcode = models.CharField(
        _("postcode"), max_length=5, validators=[RegexValidator(r"^\d{5}$")]
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    in_qpv = models.BooleanField(_("in a priority urban district (QPV)"), default=False)
    floors = models.PositiveSmallIntegerField(_("floors"), default=0)
    has_lift = models.BooleanField(_("lift"), default=False)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="building_unique_reference"
            )
        ]

    def __str__(self):
        return f"{self.address}, {self.postcode}"

    @property
    def postal_address(self) -> str:
        """The address as a letter carries it: "76 boulevard de l'Europe, 37380 Monnaie"
        (reads ``commune``: select it with the building)."""
        return f"{self.address}, {self.postcode} {self.commune.name}"

    def get_absolute_url(self):
        return reverse("housing:building_detail", args=[self.pk])


class DwellingQuerySet(OrganisationQuerySet):
    def with_current_lease(self):
        return self.annotate(
            occupied=models.Exists(
                Lease.objects.filter(dwelling=models.OuterRef("pk"), end_date__isnull=True)
            )
        )


class Dwelling(OrganisationOwned):
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="dwellings"
    )
    reference = models.CharField(_("reference"), max_length=30, validators=[reference_validator])
    typology = models.CharField(_("typology"), max_length=2, choices=Typology.choices)
    surface = models.DecimalField(
        _("surface (m²)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(9)]
    )
    floor = models.SmallIntegerField(_("floor"), default=0)
    lift = models.BooleanField(_("served by a lift"), default=False)
    accessible = models.BooleanField(_("accessible to wheelchair users"), default=False)
    financing = models.CharField(_("financing"), max_length=4, choices=Financing.choices)
    rent_cents = models.PositiveIntegerField(_("monthly rent (cents)"))
    # Reference, address and residence name, folded (housing.search); trigram-indexed on
    # PostgreSQL (migration 0002).
    search = models.TextField(default="", editable=False)

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="dwelling_unique_reference"
            )
        ]
        indexes = [models.Index(fields=["organisation", "typology", "financing"])]

    def __str__(self):
        return f"{self.reference} ({self.typology})"

    def get_absolute_url(self):
        return reverse("housing:dwelling_detail", args=[self.pk])


class Household(OrganisationOwned):
    reference = models.CharField(_("reference"), max_length=30, validators=[reference_validator])
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Name, reference, occupants' names, phones and e-mails, current dwelling's reference,
    # folded (housing.search); trigram-indexed on PostgreSQL (migration 0002).
    search = models.TextField(default="", editable=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="household_unique_reference"
            )
        ]
        # The list's order (name, then id), walked a page at a time.
        indexes = [models.Index(fields=["organisation", "name", "id"])]

    def __str__(self):
        return f"{self.name} ({self.reference})"

    def get_absolute_url(self):
        return reverse("housing:household_detail", args=[self.pk])


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class Occupant(OrganisationOwned):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="occupants"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    is_holder = models.BooleanField(_("lease holder"), default=False)
    phone = PhoneNumberField(_("phone"), blank=True, region="FR")
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.LETTER
    )
    # Sensitive: shown only to roles with ``household.view_sensitive``.
    has_disability = models.BooleanField(_("disability"), default=False)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    vulnerability_consent = models.BooleanField(
        _("agrees to be on the vulnerable persons register"), default=False
    )
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)

    SENSITIVE_FIELDS = (
        "has_disability",
        "lives_alone",
        "vulnerability_consent",
        "consent_recorded_on",
    )

    class Meta:
        verbose_name = _("occupant")
        verbose_name_plural = _("occupants")
        ordering = ["-is_holder", "birth_date"]
        indexes = [models.Index(fields=["organisation", "last_name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(vulnerability_consent=False) | Q(consent_recorded_on__isnull=False),
                name="occupant_consent_dated",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Lease(OrganisationOwned):
    reference = models.CharField(_("reference"), max_length=30, validators=[reference_validator])
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="leases"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="leases"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    rent_cents = models.PositiveIntegerField(_("monthly rent (cents)"))
    charges_cents = models.PositiveIntegerField(_("monthly charges provision (cents)"))
    housing_benefit_cents = models.PositiveIntegerField(
        _("housing benefit paid to the landlord (cents)"), default=0
    )

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="lease_unique_reference"
            ),
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(end_date__isnull=True),
                name="lease_one_current_per_dwelling",
            ),
            # A household lives in one dwelling: a transfer ends its old lease first.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end_date__isnull=True),
                name="lease_one_current_per_household",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="lease_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("In progress")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Not imported")


class ImportJob(OrganisationOwned):
    """One uploaded file imported by a background task (``relais.housing.io.jobs``).

    ``data`` holds the file until the task has read it (10 MB at most), so any worker can
    run it. ``result`` is what the result page shows: {"rows", "counts": [{"key", "created",
    "updated"}], "errors": [{"row", "column", "cell", "message"}], "error_count"}. A running
    job whose ``heartbeat_at`` is old was interrupted: its journal is undone
    (docs/decisions/0023-background-imports.md).
    """

    kind = models.CharField(_("kind"), max_length=20)
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False)
    sensitive = models.BooleanField(default=False)  # the uploader may import sensitive columns
    language = models.CharField(max_length=10, default="fr")  # of the uploader, for messages
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="importjob_status")]

    def __str__(self):
        return self.filename

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


class ImportUndo(OrganisationOwned):
    """One row an import job wrote, written in the same transaction as that row: enough to
    take it back if the job does not finish. ``previous`` is None for a row the job created,
    else the values (by attname) the job replaced."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="undo")
    model = models.CharField(max_length=60)  # "housing.dwelling"
    object_id = models.BigIntegerField()
    previous = models.JSONField(null=True)

    class Meta:
        indexes = [models.Index(fields=["job", "id"], name="importundo_job")]
