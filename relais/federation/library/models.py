"""The federation's library of templates (ADR 0049).

A ``Template`` belongs to a federation and is of one registered kind (``registry``); each
publication is a ``TemplateVersion`` (1, 2, …) holding the kind's own structured content (a
JSON document whose shape the kind declares). A member's ``Adoption`` records that it copied
one version into its organisation: the copy is an object of the capability itself (a draft
call campaign, a broadcast, its letter reasons…), named by ``object_id``/``object_repr``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Federation, OrganisationOwned


class Template(models.Model):
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    # The number of the latest published version (denormalised for the lists and cards).
    latest_number = models.PositiveIntegerField(_("latest version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("federation template")
        verbose_name_plural = _("federation templates")
        ordering = ["kind", "title", "pk"]
        indexes = [models.Index(fields=["federation", "kind"], name="federation_template_kind")]

    def __str__(self):
        return self.title


class TemplateVersion(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    notes = models.TextField(_("what changed"), blank=True, max_length=2000)
    published_at = models.DateTimeField(_("published on"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_once")
        ]

    def __str__(self):
        return f"{self.template} v{self.number}"


class Adoption(OrganisationOwned):
    """A member copied ``version`` into its organisation; ``object_id`` is the copy (an object
    of the kind's capability), ``object_repr`` its name when adopted."""

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="adoptions")
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="adoptions")
    object_id = models.PositiveBigIntegerField(null=True)
    object_repr = models.CharField(max_length=200, blank=True)
    adopted_at = models.DateTimeField(_("adopted on"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The member compared this copy with version ``kept_number`` and kept its own: that version
    # is no longer announced to it as new (a later one is).
    kept_number = models.PositiveIntegerField(_("kept against version"), null=True, blank=True)

    class Meta:
        verbose_name = _("template adoption")
        verbose_name_plural = _("template adoptions")
        ordering = ["-adopted_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "template"], name="federation_adoption_org"),
            models.Index(fields=["template", "organisation"], name="federation_adoption_tpl"),
        ]

    def __str__(self):
        return f"{self.template} v{self.version.number}"


class GridCopy(OrganisationOwned):
    """A member's copy of the federation's scoring grid template, for one EPCI where it has
    homes (ADR 0049, amended). A cotation grid belongs to the EPCI (adopted by its
    intercommunal conference, art. L441-2-8 CCH): the copy is the member's working version —
    what it brings to that conference —, never read by the allocation's cotation.
    ``criteria`` has the shape of ``allocation.ScoringGrid.criteria`` (docs/scoring.md)."""

    name = models.CharField(_("name"), max_length=200)
    epci = models.ForeignKey(
        "housing.Epci",
        verbose_name=_("EPCI"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    criteria = models.JSONField(_("criteria"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scoring grid copy")
        verbose_name_plural = _("scoring grid copies")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} – {self.epci}" if self.epci_id else self.name
