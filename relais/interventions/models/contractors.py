"""Interventions models — contractors (prestataires), their trades, sectors, contacts and their
operating status during a crisis (operating / reduced / stopped, DOMAIN.md §4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned
from relais.core.validators import validate_siren


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    REDUCED = "reduced", _("Reduced activity")
    STOPPED = "stopped", _("Stopped")


class Contractor(OrganisationOwned):
    """A company the organisation sends work orders to.

    ``trades`` are the categories it works on; its sectors are communes and/or residences (a
    contractor with neither works everywhere). ``operating_status`` is kept up to date during a
    crisis (who still comes out), with the date of its last update.
    """

    name = models.CharField(_("company name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    trades = models.ManyToManyField(
        "interventions.Category", verbose_name=_("trades"), blank=True, related_name="contractors"
    )
    communes = models.ManyToManyField(
        "housing.Commune", verbose_name=_("communes served"), blank=True, related_name="+"
    )
    residences = models.ManyToManyField(
        "housing.Residence", verbose_name=_("residences served"), blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail for work orders"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    operating_status = models.CharField(
        _("operating status"),
        max_length=10,
        choices=OperatingStatus.choices,
        default=OperatingStatus.OPERATING,
    )
    operating_status_note = models.CharField(_("status details"), max_length=300, blank=True)
    operating_status_updated_at = models.DateTimeField(_("status updated at"), null=True)
    operating_status_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "siren"], name="contractor_unique_siren"
            )
        ]

    def __str__(self):
        return self.name


class ContractorContact(OrganisationOwned):
    """A person at the contractor: who receives work orders, who to call."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    receives_work_orders = models.BooleanField(_("receives work orders"), default=True)

    class Meta:
        verbose_name = _("contractor contact")
        verbose_name_plural = _("contractor contacts")
        ordering = ["name"]

    def __str__(self):
        return self.name
